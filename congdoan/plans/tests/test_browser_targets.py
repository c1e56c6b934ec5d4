"""Real Chromium through Playwright: edit two cells of the target grid with the keyboard and
save, then split the province's target with the wizard.

Skipped without Debian's Chromium unless CONGDOAN_REQUIRE_BROWSER=1 (see web/tests).
"""

import datetime as dt
from decimal import Decimal

import pytest

from congdoan.plans.models import Source, Target, TargetChange
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import Org, Users, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def target(unit, label="2022"):
    found = Target.objects.filter(unit=unit, period__label=label).first()
    return found and found.value


def test_edit_the_grid_with_the_keyboard_then_split_with_the_wizard(live_server, browser_page):
    from playwright.sync_api import expect

    org = Org()
    Users(org)
    for unit in (org.grassroots_a1, org.grassroots_a1, org.grassroots_a2, org.grassroots_b1):
        make_member(unit=unit, on=dt.date(2021, 1, 1))
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    plan = make_plan(owner=org.province, indicators=[members], code="KH-1")
    y2022 = plan.periods.get(label="2022")
    page = browser_page
    page.goto(f"{live_server.url}/login/?next=/plans/KH-1/targets/")
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/plans/KH-1/targets/")

    # The province's 2022 cell, then Enter to the district A cell below it.
    first = page.locator(f"input[name=c-{org.province.pk}-{y2022.pk}]")
    first.click()
    page.keyboard.type("1.200")
    page.keyboard.press("Enter")
    below = page.locator(f"input[name=c-{org.district_a.pk}-{y2022.pk}]")
    expect(below).to_be_focused()
    page.keyboard.type("700")
    expect(page.locator(f"#cell-{org.province.pk}-{y2022.pk}")).to_have_class("num cell changed")
    expect(page.locator("#changed-count")).not_to_be_empty()
    # The arrow keys move too: down to district B and back up.
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"input[name=c-{org.district_b.pk}-{y2022.pk}]")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(below).to_be_focused()
    page.fill("textarea[name=reason]", "Nghị quyết 05")
    page.click("#save-targets")
    page.wait_for_selector(".message.success")
    assert target(org.province) == Decimal(1200)
    assert target(org.district_a) == Decimal(700)
    assert set(TargetChange.objects.values_list("reason", flat=True)) == {"Nghị quyết 05"}
    # The province's target is not split yet: 500 are missing.
    expect(page.locator(f"#cell-{org.province.pk}-{y2022.pk} .gap")).to_be_visible()

    # The wizard, from the province's cell: in proportion to members (3 against 1).
    page.click(f"#cell-{org.province.pk}-{y2022.pk} a.split-link")
    page.wait_for_selector("#split-method")
    expect(page.locator("input[name=total]")).to_have_value("1.200")
    page.check("input[name=method][value=members]")
    page.click("#propose")
    page.wait_for_selector("#split-form")
    a = page.locator(f"input[name=v-{org.district_a.pk}]")
    b = page.locator(f"input[name=v-{org.district_b.pk}]")
    expect(a).to_have_value("900")
    expect(b).to_have_value("300")
    even = page.locator("#split-form").get_attribute("data-even")
    expect(page.locator("#split-gap")).to_have_text(even)
    # Adjusting a proposal updates the growth and the mismatch as one types.
    a.fill("850")
    expect(page.locator("#split-gap")).to_contain_text("50")
    expect(page.locator("#split-gap")).to_have_class("num short")
    page.fill("#split-form textarea[name=reason]", "Theo số đoàn viên")
    page.click("#save-split")
    page.wait_for_selector(".message.warning")
    assert target(org.district_a) == Decimal(850)
    assert target(org.district_b) == Decimal(300)
