import os

import pytest

from congdoan.core.chromium import CHROMIUM, CHROMIUM_ARGS
from congdoan.testing import Org, Users


@pytest.fixture
def org(db):
    return Org().refresh()


@pytest.fixture
def users(org):
    return Users(org)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Ids repeat after a rolled-back test on SQLite: a figure cached by one test must not
    # answer the next one's question.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Uploads (plan documents, task attachments, the demo's PDFs) must not land in var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs collectstatic first; tests render pages
    # straight from the source tree.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- real Chromium through Playwright (tests marked `browser`) -----------------------------


@pytest.fixture
def chromium_path():
    if not CHROMIUM.exists():
        if os.environ.get("CONGDOAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and CONGDOAN_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return str(CHROMIUM)


@pytest.fixture
def browser_page(chromium_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server answers from
    # its own thread, and the tests touch the ORM only before the browser starts. The flag
    # keeps Django from refusing the fixtures' teardown while the loop is alive.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()
