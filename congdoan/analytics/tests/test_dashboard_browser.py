"""Real Chromium through Playwright: the dashboard's two charts are drawn by the vendored
Chart.js on a desktop and on a phone, and printing hides the menus.

Skipped without Debian's Chromium unless CONGDOAN_REQUIRE_BROWSER=1 (see web/tests).
"""

import pytest

from congdoan.analytics.tests.dashboard_fixture import AS_OF_TEXT, make_progress_plan
from congdoan.testing import Org, Users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = """() => [...document.querySelectorAll("canvas")].map(c => {
  const chart = window.Chart.getChart(c);
  return {id: c.id, drawn: !!chart, type: chart && chart.config.type,
          width: c.clientWidth, height: c.clientHeight};
})"""


def charts_on(page) -> dict:
    page.wait_for_selector("html[data-charts='2']")
    return {c["id"]: c for c in page.evaluate(CHARTS)}


def test_the_charts_are_drawn_on_a_desktop_and_on_a_phone(live_server, browser_page):
    org = Org()
    Users(org)
    make_progress_plan(org)
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = f"{live_server.url}/dashboard/?as_of={AS_OF_TEXT}"
    page.goto(f"{live_server.url}/login/?next=/dashboard/")
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.goto(url)

    charts = charts_on(page)
    assert set(charts) == {"trend-chart", "children-chart"}
    assert charts["trend-chart"]["type"] == "line" and charts["children-chart"]["type"] == "bar"
    assert all(c["drawn"] and c["width"] > 300 and c["height"] > 100 for c in charts.values())
    # The band: the high edge fills down to the low one.
    fill = page.evaluate("() => Chart.getChart('trend-chart').data.datasets[1].fill")
    assert fill == "-1"

    assert page.evaluate("() => document.getElementById('question').open")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    charts = charts_on(page)
    # On the phone the figures come first: the question is folded away.
    assert not page.evaluate("() => document.getElementById('question').open")
    assert all(c["drawn"] and 250 < c["width"] <= 375 for c in charts.values())
    # One column, nothing wider than the phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    first, second = page.locator("#headline .figure-card").all()[:2]
    assert first.bounding_box()["y"] < second.bounding_box()["y"]

    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("#dashboard-form").is_hidden()
    assert page.locator("#ranked-table").is_visible()
    assert errors == []
