"""Real Chromium through Playwright: sign in, open the tree, expand a node through HTMX.

Needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium). Skipped without it,
unless CONGDOAN_REQUIRE_BROWSER=1. The README's pictures come from `make screenshots`.
"""

import pytest

from congdoan.testing import Org, Users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_open_the_tree_and_expand_a_district(live_server, browser_page):
    Users(Org())
    page = browser_page

    page.goto(f"{live_server.url}/units/")
    assert "/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "vi"  # whatever the browser's language
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/units/")

    district = page.locator("#node-DA")
    district.wait_for()
    assert not page.locator("#node-DA-1").is_visible()
    with page.expect_response(lambda r: "/units/tree/children/DA/" in r.url):
        district.locator("a.toggle").first.click()
    grassroots = page.locator("#node-DA-1")
    grassroots.wait_for(state="visible")
    assert "CĐCS A1" in grassroots.inner_text()
    assert page.url == f"{live_server.url}/units/"  # HTMX, not a page load

    # A second click folds the loaded children without asking the server again.
    district.locator("a.toggle").first.click()
    grassroots.wait_for(state="hidden")


def test_the_menu_folds_on_a_phone(live_server, browser_page):
    Users(Org())
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "huyen_a")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    nav = page.locator("#site-nav")
    assert not nav.is_visible()
    page.click(".nav-toggle")
    assert nav.is_visible()
    # Nothing is wider than the screen: tables scroll inside their boxes.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_split_form_redraws_its_choices_and_submits_through_htmx(live_server, browser_page):
    Users(Org())
    page = browser_page
    page.goto(f"{live_server.url}/login/?next=/units/DA/split/")
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/units/DA/split/")

    page.fill("textarea[name=parts]", "DA = LĐLĐ huyện A\nDC = LĐLĐ huyện C")
    with page.expect_response(lambda r: r.url.endswith("/units/DA/split/")):
        page.locator("input[name=effective_on]").click()  # leaving the parts fires "change"
    from playwright.sync_api import expect

    choices = page.locator("select[name='child__DA-2'] option")
    expect(choices).to_have_count(3)
    assert choices.all_inner_texts()[1:] == ["DA – LĐLĐ huyện A", "DC – LĐLĐ huyện C"]

    page.select_option("select[name='child__DA-2']", "DC")
    page.fill("input[name=effective_on]", "01/03/2024")
    page.fill("textarea[name=reason]", "Quyết định 1/QĐ")
    page.click("#operation-form button.primary")
    page.wait_for_url(f"{live_server.url}/units/DA/")
    assert "Đã chia tách" in page.locator(".messages").inner_text()


def test_search_members_by_unaccented_name_through_htmx(live_server, browser_page):
    from congdoan.testing import make_member

    org = Org()
    Users(org)
    make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An")
    make_member(unit=org.grassroots_a2, full_name="Trần Thị Bình")
    make_member(unit=org.grassroots_b1, full_name="Nguyễn Văn An Bên B")
    page = browser_page
    page.goto(f"{live_server.url}/login/?next=/members/")
    page.fill("input[name=username]", "huyen_a")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/members/")
    assert "Trần Thị Bình" in page.locator("#member-table").inner_text()

    with page.expect_response(lambda r: "/members/?" in r.url and "q=an%20nguyen" in r.url):
        page.fill("#id_q", "an nguyen")  # no accents, words in another order
    from playwright.sync_api import expect

    expect(page.locator("#member-table tbody tr")).to_have_count(1)
    assert "Nguyễn Văn An" in page.locator("#member-table").inner_text()
    assert "Bên B" not in page.content()  # district B's namesake stays out of sight
    assert "q=an%20nguyen" in page.url  # the filtered list has its own address
