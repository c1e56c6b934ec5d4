"""Real Chromium through Playwright: upload a units file, read the preview, confirm, and
watch the job's page follow the worker to the result.

Skipped without Debian's Chromium unless CONGDOAN_REQUIRE_BROWSER=1 (see web/tests).
"""

import pytest

from congdoan.imports import jobs
from congdoan.imports.models import ImportJob
from congdoan.imports.tests.jobfiles import (  # noqa: F401 - progress_in_tmp is a fixture
    NEW_UNITS,
    progress_in_tmp,
    units_xlsx,
)
from congdoan.org.models import Unit
from congdoan.testing import Org, Users

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("progress_in_tmp"),
]


def test_upload_preview_confirm_and_follow_the_run(live_server, browser_page, tmp_path):
    from playwright.sync_api import expect

    Users(Org())
    page = browser_page
    page.goto(f"{live_server.url}/login/?next=/imports/")
    page.fill("input[name=username]", "huyen_a")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/imports/")

    page.click("#new-import")
    page.select_option("select[name=kind]", "units")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "don-vi.xlsx", "mimeType": "application/octet-stream",
                "buffer": units_xlsx(tmp_path)}],
    )  # fmt: skip
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#import-mapping")).to_contain_text("Mã đơn vị cấp trên")
    expect(page.locator("#count-created")).to_have_text("3")
    assert not Unit.objects.filter(code="DA-3").exists()

    page.click("#confirm-import")
    expect(page.locator("#job-progress")).to_be_visible()
    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED
    # The worker, here in the test's thread; the page polls and shows the result.
    assert jobs.run_queue(once=True) == 1
    expect(page.locator("#job-outcome")).to_be_visible()
    expect(page.locator("#count-created")).to_have_text("3")
    expect(page.locator("#job-progress")).to_have_count(0)
    assert Unit.objects.filter(code__in=[row[0] for row in NEW_UNITS]).count() == 3
