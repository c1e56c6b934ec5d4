"""The reported-figures pages: the list, the grid of units in scope, saving all or nothing."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils.html import escape

from congdoan.accounts.models import Role
from congdoan.core import audit
from congdoan.core.dates import today
from congdoan.core.models import AuditEntry
from congdoan.org import services as org_services
from congdoan.plans import errors, forms_reported, reporting
from congdoan.plans.models import ReportedValue, Source
from congdoan.plans.tests.factory import make_indicator
from congdoan.testing import make_unit, make_user

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/plans/reported/HOC_CT/?year=2023"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def says(response, message) -> bool:
    page = response.content.decode()
    return all(escape(part.strip()) in page for part in _PLACEHOLDER.split(str(message)) if part)


@pytest.fixture
def study(org):
    return make_indicator(code="HOC_CT", name="Công nhân học chính trị")


def put(indicator, unit, value, **extra):
    return reporting.report_value(
        actor=None, indicator=indicator, unit=unit, starts_on=D(2023, 1, 1),
        ends_on=D(2023, 12, 31), value=value, **extra,
    )  # fmt: skip


def grid_codes(response) -> list[str]:
    return re.findall(r'<tr id="unit-([^"]+)"', response.content.decode())


def post(client, data, url=URL):
    return client.post(url, data)


def test_the_list_shows_only_reported_indicators(client, users, study):
    make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    client.force_login(users.clerk)
    response = client.get("/plans/reported/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Công nhân học chính trị" in page and "/plans/reported/HOC_CT/?year=" in page
    assert ">DV<" not in page


def test_a_manager_sees_their_unit_and_the_units_under_it(client, org, users, study):
    put(study, org.grassroots_a1, 7)
    client.force_login(users.district_manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert grid_codes(response) == ["DA", "DA-1", "DA-2"]
    row = response.content.decode().split('id="unit-DA"')[1].split("</tr>")[0]
    assert "(1 đơn vị chưa báo cáo)" in row  # A2; the sum under DA is A1's 7


def test_a_clerk_sees_only_their_union(client, org, users, study):
    client.force_login(users.clerk)
    assert grid_codes(client.get(URL)) == ["DA-1"]


def test_the_grid_is_the_structure_of_the_spans_last_day(client, org, users, study):
    make_unit(code="DA-9", parent=org.district_a, on=D(2024, 2, 1))
    client.force_login(users.district_manager)
    assert "DA-9" not in grid_codes(client.get(URL))
    assert "DA-9" in grid_codes(client.get("/plans/reported/HOC_CT/?year=2024"))


def test_saving_reports_and_corrects_figures(client, org, users, study):
    put(study, org.grassroots_a1, 7)
    client.force_login(users.district_manager)
    a1, a2 = org.grassroots_a1.pk, org.grassroots_a2.pk
    response = post(client, {
        f"value_{a1}": "9", f"was_{a1}": "7", f"note_{a1}": "",
        f"value_{a2}": "3,5", f"was_{a2}": "", f"note_{a2}": "ước tính",
        "reason": "Bổ sung tổ 3",
    })  # fmt: skip
    assert response.status_code == 302 and response.url == URL
    figures = dict(ReportedValue.objects.values_list("unit__code", "value"))
    assert figures == {"DA-1": Decimal("9.00"), "DA-2": Decimal("3.50")}
    correction = audit.history(ReportedValue.objects.get(unit=org.grassroots_a1)).first()
    assert correction.reason == "Bổ sung tổ 3" and correction.actor == users.district_manager
    page = client.get(URL)
    assert "Đã lưu số liệu: 2 thay đổi." in page.content.decode()


def test_a_correction_without_a_reason_saves_nothing(client, org, users, study):
    put(study, org.grassroots_a1, 7)
    client.force_login(users.district_manager)
    a1, a2 = org.grassroots_a1.pk, org.grassroots_a2.pk
    response = post(client, {
        f"value_{a2}": "4", f"was_{a2}": "", f"value_{a1}": "9", f"was_{a1}": "7",
    })  # fmt: skip
    assert response.status_code == 400
    assert 'class="field invalid"' in response.content.decode()
    assert says(response, errors.REPORTED_REASON_REQUIRED)
    assert dict(ReportedValue.objects.values_list("unit__code", "value")) == {"DA-1": 7}


def test_a_figure_changed_since_the_page_was_loaded_is_refused(client, org, users, study):
    client.force_login(users.district_manager)
    a1 = org.grassroots_a1.pk
    put(study, org.grassroots_a1, 7)  # someone else, after the page was drawn empty
    response = post(client, {f"value_{a1}": "9", f"was_{a1}": "", "reason": "x"})
    assert response.status_code == 400
    assert says(response, forms_reported.STALE)
    assert ReportedValue.objects.get().value == 7


def test_a_bad_figure_is_shown_beside_its_unit_and_nothing_is_saved(client, org, users, study):
    client.force_login(users.district_manager)
    a1, a2 = org.grassroots_a1.pk, org.grassroots_a2.pk
    response = post(client, {f"value_{a1}": "5", f"value_{a2}": "-2"})
    assert response.status_code == 400
    row = response.content.decode().split('id="unit-DA-2"')[1].split("</tr>")[0]
    assert "Số liệu không được âm (-2)." in row
    assert not ReportedValue.objects.exists()


def test_a_reported_figure_cannot_be_emptied(client, org, users, study):
    put(study, org.grassroots_a1, 7)
    client.force_login(users.clerk)
    a1 = org.grassroots_a1.pk
    response = post(client, {f"value_{a1}": "", f"was_{a1}": "7"})
    assert response.status_code == 400 and says(response, forms_reported.CANNOT_EMPTY)


def test_saving_the_same_figures_changes_nothing(client, org, users, study):
    put(study, org.grassroots_a1, 7)
    entries = AuditEntry.objects.count()
    client.force_login(users.clerk)
    a1 = org.grassroots_a1.pk
    response = post(client, {f"value_{a1}": "7", f"was_{a1}": "7"})
    assert response.status_code == 302
    assert AuditEntry.objects.count() == entries


def test_units_posted_outside_the_grid_are_ignored(client, org, users, study):
    client.force_login(users.clerk)
    b1 = org.grassroots_b1.pk
    assert post(client, {f"value_{b1}": "5"}).status_code == 302
    assert not ReportedValue.objects.exists()


def test_a_quarter_is_a_span_of_its_own(client, org, users, study):
    client.force_login(users.clerk)
    a1 = org.grassroots_a1.pk
    url = "/plans/reported/HOC_CT/?year=2023&quarter=2"
    assert post(client, {f"value_{a1}": "2"}, url=url).status_code == 302
    row = ReportedValue.objects.get()
    assert (row.starts_on, row.ends_on) == (D(2023, 4, 1), D(2023, 6, 30))


def test_a_span_that_has_not_started_is_refused(client, org, users, study):
    client.force_login(users.clerk)
    a1 = org.grassroots_a1.pk
    url = f"/plans/reported/HOC_CT/?year={today().year + 1}"
    response = post(client, {f"value_{a1}": "2"}, url=url)
    assert response.status_code == 400
    assert not ReportedValue.objects.exists()


def test_a_clerk_of_another_union_cannot_enter_figures_of_this_one(client, org, study):
    clerk_b1 = make_user(username="cs_b1", unit=org.grassroots_b1, role=Role.CLERK)
    client.force_login(clerk_b1)
    assert client.get("/plans/reported/HOC_CT/?year=2023&unit=DA-1").status_code == 404
    a1 = org.grassroots_a1.pk
    post(client, {f"value_{a1}": "5"})
    assert not ReportedValue.objects.exists()


def test_outsiders_get_404_and_readers_403(client, org, users, study):
    client.force_login(users.district_b_manager)
    assert client.get("/plans/reported/HOC_CT/?year=2023&unit=DA").status_code == 404
    assert client.get("/plans/reported/NOPE/").status_code == 404
    client.force_login(users.district_viewer)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to sign in


def test_a_computed_indicator_has_no_entry_page(client, users, org):
    make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    client.force_login(users.admin)
    assert client.get("/plans/reported/DV/").status_code == 404


def test_an_administrator_sees_every_living_unit_one_level_at_a_time(client, org, users, study):
    org_services.dissolve_unit(actor=None, unit=org.grassroots_b2, on=D(2023, 7, 1))
    client.force_login(users.admin)
    assert grid_codes(client.get(URL)) == ["P", "DA", "DB"]
    page = client.get(URL, {"unit": "DB"})
    assert grid_codes(page) == ["DB", "DB-1"]
    # The way down is offered from the level above.
    assert "unit=DB" in client.get(URL).content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_enters_figures_in_a_real_browser(live_server, browser_page):
    from playwright.sync_api import expect

    from congdoan.testing import Org, Users

    org = Org()
    Users(org)
    study = make_indicator(code="HOC_CT", name="Công nhân học chính trị")
    page = browser_page
    page.goto(f"{live_server.url}/login/?next=/plans/reported/")
    page.fill("input[name=username]", "huyen_a")
    page.fill("input[name=password]", "test-pass-123")
    page.click("form.stack button[type=submit]")
    page.click("text=Công nhân học chính trị")
    page.fill("input[name=year]", "2023")
    page.click("#span-form button[type=submit]")
    page.fill(f"input[name=value_{org.grassroots_a1.pk}]", "12,5")
    page.fill(f"input[name=value_{org.grassroots_a2.pk}]", "3")
    page.click("#entry-form button[type=submit]")
    expect(page.locator(".message.success")).to_have_count(1)
    expect(page.locator("#unit-DA td.num").nth(1)).to_contain_text("15,5")
    saved = dict(ReportedValue.objects.filter(indicator=study).values_list("unit__code", "value"))
    assert saved == {"DA-1": Decimal("12.50"), "DA-2": Decimal("3.00")}
