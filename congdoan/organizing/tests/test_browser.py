"""Real Chromium through Playwright: sign in, open the board, move a card a stage on.

Skipped without Debian's Chromium unless CONGDOAN_REQUIRE_BROWSER=1 (see web/tests).
"""

import pytest

from congdoan.organizing.models import Case, Stage
from congdoan.organizing.tests.factory import make_case
from congdoan.testing import Org, Users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_next_stage_moves_the_card_through_htmx(live_server, browser_page):
    from playwright.sync_api import expect

    org = Org()
    Users(org)
    case = make_case(owner=org.district_a, stage=Stage.CONTACTED, name="Công ty Giày Thử")
    page = browser_page
    page.goto(f"{live_server.url}/login/?next=/organizing/")
    page.fill("input[name=username]", "huyen_a")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/organizing/")

    card = f"#case-{case.pk}"
    expect(page.locator(f"#stage-contacted {card}")).to_have_count(1)
    with page.expect_response(lambda r: f"/organizing/{case.pk}/move/next/" in r.url):
        page.click(f"{card} button[data-move=next]")
    expect(page.locator(f"#stage-board {card}")).to_have_count(1)
    expect(page.locator(f"#stage-contacted {card}")).to_have_count(0)
    assert page.url == f"{live_server.url}/organizing/"  # HTMX, not a page load
    assert Case.objects.get(pk=case.pk).stage == Stage.BOARD
