"""The dashboard page: the figures of analytics.progress for a unit in scope, its children
ranked, drill-down, the structure toggle, the date, and what it says when there is no plan."""

import datetime as dt
import io
import json
import re
from html import unescape

import pytest
from django.core.management import call_command

from congdoan.analytics import progress, selectors
from congdoan.analytics import series as charts
from congdoan.analytics.templatetags.dashboard_tags import figure_text
from congdoan.analytics.tests.dashboard_fixture import AS_OF, AS_OF_TEXT, make_progress_plan
from congdoan.org import services as org_services
from congdoan.plans import services as plan_services
from congdoan.plans.models import Plan
from congdoan.plans.tests.factory import make_plan
from congdoan.testing import make_unit

URL = "/dashboard/"


@pytest.fixture
def plan(org):
    return make_progress_plan(org)


def get(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def card(page: str, code: str) -> str:
    found = re.search(rf'<article [^>]*data-indicator="{code}">(.*?)</article>', page, re.S)
    assert found, code
    return found.group(1)


def ranked_rows(page: str) -> dict[str, list[str]]:
    """The ranked table: unit code → the text of each cell."""
    rows = {}
    for code, body in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        rows[code] = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    return rows


def chart_json(page: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def test_the_page_shows_the_figures_of_plan_progress(client, users, org, plan):
    response = get(client, users.province_manager, as_of=AS_OF_TEXT)
    page = response.content.decode()
    assert response.status_code == 200
    expected = progress.plan_progress(plan, unit=org.province, as_of=AS_OF)
    for item in expected.unit.indicators:
        shown = card(page, item.indicator)
        assert figure_text(item.actual, item.measure) in shown
        if item.target is not None:
            assert figure_text(item.target, item.measure) in shown
        assert f"status-{item.status}" in shown
    rows = ranked_rows(page)
    assert set(rows) == {child.unit for child in expected.children} == {"DA", "DB"}
    for child in expected.children:
        figures = next(f for f in child.indicators if f.indicator == "DV_TONG")
        cells = rows[child.unit]
        assert cells[3:5] == [figure_text(figures.actual), figure_text(figures.target)]
        assert cells[6] == figure_text(figures.pace_needed)
        assert cells[7] == figure_text(figures.forecast)


@pytest.mark.parametrize("structure", ["as-was", "current"])
def test_the_page_and_the_command_line_say_the_same_figures(client, users, plan, structure):
    out = io.StringIO()
    call_command("progress", "PTDV", "--as-of", AS_OF_TEXT, "--structure", structure, "--json",
                 stdout=out)  # fmt: skip
    told = json.loads(out.getvalue())
    page = get(client, users.province_manager, as_of=AS_OF_TEXT, structure=structure)
    page = page.content.decode()
    province, *children = told["units"]
    for item in province["indicators"]:
        shown = card(page, item["indicator"])
        assert figure_text(item["actual"], item["measure"]) in shown
        assert f"status-{item['status']}" in shown
    rows = ranked_rows(page)
    assert set(rows) == {child["unit"] for child in children}
    for child in children:
        members = next(i for i in child["indicators"] if i["indicator"] == "DV_TONG")
        assert rows[child["unit"]][3:6] == [
            figure_text(members["actual"]), figure_text(members["target"]),
            figure_text(members["achieved_pct"], "percent"),
        ]  # fmt: skip


def test_the_members_card_counts_the_registry_against_the_target(client, users, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    members = card(page, "DV_TONG")
    # 10 members of the 12 targeted: 83,3 % (Vietnamese number marks).
    assert '<span class="actual">10</span>' in members
    assert "/ 12" in members
    assert "83,3 %" in members


def test_the_headline_card_comes_first(client, users, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT, indicator="DV_MOI")
    codes = re.findall(r'<article [^>]*data-indicator="(\w+)"', page.content.decode())
    assert codes == ["DV_MOI", "DV_TONG"]
    page = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    assert re.findall(r'<article [^>]*data-indicator="(\w+)"', page) == ["DV_TONG", "DV_MOI"]


def test_children_are_ranked_best_first_with_status_words(client, users, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    rows = ranked_rows(page)
    assert list(rows) == ["DA", "DB"]  # 7/7 before 3/5
    assert rows["DA"][0] == "1" and rows["DA"][5] == "100,0 %"
    assert rows["DB"][0] == "2" and rows["DB"][5] == "60,0 %"
    # The status is a word as well as a colour.
    assert re.search(r'<span class="status status-met">[^<]+</span>', page)
    bars = chart_json(page)["bars"]
    assert bars["values"] == [100.0, 60.0]
    assert bars["statuses"][0] == "met"


def test_the_line_chart_carries_headline_series(client, users, org, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    line = chart_json(page)["line"]
    members = plan.indicators.get(code="DV_TONG")
    series = charts.headline_series(plan, members, org.province, as_of=AS_OF)
    assert line["actual"] == series.actual
    assert line["target"] == series.target
    assert line["low"] == series.low and line["high"] == series.high
    assert line["labels"][0] == series.months[0].strftime("%m/%Y")
    # The JSON goes through json_script: the page runs no inline script.
    assert "<script>" not in page.split("</head>")[1]
    assert "/static/analytics/vendor/chart-4.6.1.umd.min.js" in page


def test_the_chart_switches_to_another_indicator(client, users, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT, indicator="DV_MOI")
    line = chart_json(page.content.decode())["line"]
    assert line["title"] == "Số đoàn viên kết nạp mới"
    assert '<option value="DV_MOI" selected>' in page.content.decode()
    default = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    assert '<option value="DV_TONG" selected>' in default  # members at a date, by default


def test_an_indicator_not_in_the_plan_is_said_and_the_default_shown(client, users, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT, indicator="NOPE")
    text = page.content.decode()
    assert page.status_code == 200
    assert chart_json(text)["line"]["title"] == "Tổng số đoàn viên"
    assert "NOPE" in text and 'class="field invalid' in text


def test_drill_down_to_a_child_and_back_up(client, users, org, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    assert f"as_of={AS_OF_TEXT.replace('/', '%2F')}" in page
    link = re.search(r'<tr data-code="DA">.*?<a href="\?([^"]+)"', page, re.S).group(1)
    response = client.get(URL + "?" + unescape(link))
    child = response.content.decode()
    assert response.status_code == 200
    assert "LĐLĐ huyện A" in child
    assert set(ranked_rows(child)) == {"DA-1", "DA-2"}
    expected = progress.plan_progress(plan, unit=org.district_a, as_of=AS_OF)
    assert figure_text(expected.unit.indicators[0].actual) in card(
        child, expected.unit.indicators[0].indicator
    )
    # The breadcrumb goes back to the province.
    assert re.search(r'<nav class="breadcrumb".*?data-unit="P">LĐLĐ tỉnh Thử</a>', child, re.S)


def test_a_district_opens_on_its_own_unit_and_sees_no_breadcrumb_above_it(
    client, users, org, plan
):
    page = get(client, users.district_manager).content.decode()
    assert "Dashboard: LĐLĐ huyện A" in page or "LĐLĐ huyện A</h1>" in page
    assert set(ranked_rows(page)) == {"DA-1", "DA-2"}
    assert "LĐLĐ tỉnh Thử</a>" not in page  # the province is out of its scope
    assert 'class="breadcrumb"' not in page


def test_a_unit_outside_the_scope_is_not_found(client, users, plan):
    assert get(client, users.district_manager, unit="DB").status_code == 404
    assert get(client, users.district_manager, unit="P").status_code == 404
    assert get(client, users.district_manager, unit="NOPE").status_code == 404
    assert get(client, users.district_manager, unit="da-1").status_code == 200


def test_a_plan_the_user_cannot_see_is_not_found(client, users, org, plan):
    make_plan(owner=org.district_b, code="KH-B")
    assert get(client, users.district_manager, plan="KH-B").status_code == 404
    assert get(client, users.district_b_manager, plan="KH-B").status_code == 200


def test_the_structure_toggle_restates_to_todays_units(client, users, org, plan):
    # DA-2 (2 members) moves to district B in 2024: as it was, it counts in A on 31/12/2023;
    # restated, in B.
    org_services.move_unit(
        actor=None, unit=org.grassroots_a2, parent=org.district_b, on=dt.date(2024, 3, 1)
    )
    was = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    now = get(client, users.province_manager, as_of=AS_OF_TEXT, structure="current")
    now = now.content.decode()
    assert ranked_rows(was)["DA"][3] == "7" and ranked_rows(was)["DB"][3] == "3"
    assert ranked_rows(now)["DA"][3] == "5" and ranked_rows(now)["DB"][3] == "5"
    for page, structure in ((was, selectors.AS_WAS), (now, selectors.CURRENT)):
        expected = progress.plan_progress(plan, unit=org.province, as_of=AS_OF,
                                          structure=structure)  # fmt: skip
        rows = ranked_rows(page)
        for child in expected.children:
            actual = next(f for f in child.indicators if f.indicator == "DV_TONG").actual
            assert rows[child.unit][3] == figure_text(actual)
    # The toggle links keep the day and the unit.
    assert re.search(r'href="\?[^"]*structure=current[^"]*" *>', was)
    assert 'aria-current="true">' in now


def test_a_unit_founded_later_has_no_figures_as_it_was_and_says_so(client, users, org, plan):
    make_unit(code="DN", name="LĐLĐ huyện Mới", kind="district", parent=org.province,
              on=dt.date(2024, 6, 1))  # fmt: skip
    page = get(client, users.province_manager, unit="DN", as_of=AS_OF_TEXT).content.decode()
    assert 'id="not-yet"' in page and "dashboard-data" not in page
    link = re.search(r'id="not-yet">.*?href="\?([^"]+)"', page, re.S)[1]
    assert "structure=current" in unescape(link)
    restated = client.get(URL + "?" + unescape(link))
    assert restated.status_code == 200 and 'id="not-yet"' not in restated.content.decode()
    pdf = client.get("/dashboard/summary.pdf", {"unit": "DN", "as_of": AS_OF_TEXT})
    assert pdf.status_code == 302


def test_the_day_is_read_as_dd_mm_yyyy(client, users, org, plan):
    page = get(client, users.province_manager, as_of="30/06/2022").content.decode()
    assert 'value="30/06/2022"' in page
    expected = progress.plan_progress(plan, unit=org.province, as_of=dt.date(2022, 6, 30))
    members = next(f for f in expected.unit.indicators if f.indicator == "DV_TONG")
    assert members.actual == 8  # 3 + 2 in A1, 2 in B1, 1 in B2
    assert '<span class="actual">8</span>' in card(page, "DV_TONG")


@pytest.mark.parametrize("bad", ["31/02/2023", "hôm qua", "2023-13-01"])
def test_a_bad_day_is_said_plainly_and_the_default_used(client, users, plan, bad):
    response = get(client, users.province_manager, as_of=bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert unescape(page).count(bad) >= 1  # the message quotes what was typed
    # The plan is over: the default day is its last one.
    assert AS_OF_TEXT in page and ranked_rows(page)


def test_the_default_day_of_a_plan_in_force_today_is_today(client, users, org):
    from congdoan.core.dates import today

    plan = make_plan(owner=org.province, code="KH-NAY", year=today().year)
    plan_services.change_plan_status(actor=None, plan=plan, status=Plan.Status.IN_FORCE)
    page = get(client, users.district_manager).content.decode()
    assert today().strftime("%d/%m/%Y") in page
    assert "KH-NAY" in page


def test_without_a_plan_the_page_says_where_plans_are_made(client, users, org):
    response = get(client, users.district_manager)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="no-plan"' in page and 'href="/plans/"' in page
    assert "dashboard-data" not in page


def test_a_draft_plan_is_not_the_default_but_can_be_chosen(client, users, org):
    make_plan(owner=org.province, code="KH-NHAP")
    assert 'id="no-plan"' in get(client, users.district_manager).content.decode()
    page = get(client, users.district_manager, plan="KH-NHAP").content.decode()
    assert 'id="no-plan"' not in page and "KH-NHAP" in page


def test_overdue_tasks_and_enterprises_without_a_union_are_those_of_the_unit(
    client, users, plan
):
    province = get(client, users.province_manager, as_of=AS_OF_TEXT).content.decode()
    overdue = re.search(r'<section class="card" id="overdue">(.*?)</section>', province, re.S)[1]
    assert "Hội nghị quán triệt ở huyện A" in overdue
    assert "Khảo sát doanh nghiệp ở huyện B" in overdue
    assert "Tổng kết kế hoạch" not in overdue  # due in 2030
    uncovered = re.search(r'id="uncovered">(.*?)</section>', province, re.S)[1]
    assert "Công ty May Ánh Dương" in uncovered and "Công ty Gạch Bình Minh" in uncovered
    assert "Cơ sở Nhỏ Lẻ" not in uncovered  # 8 workers: under the threshold
    district = get(client, users.district_manager, as_of=AS_OF_TEXT).content.decode()
    assert "Hội nghị quán triệt ở huyện A" in district
    assert "Khảo sát doanh nghiệp ở huyện B" not in district
    assert "Công ty May Ánh Dương" in district and "Công ty Gạch Bình Minh" not in district


def test_the_pdf_link_asks_for_the_same_figures(client, users, plan):
    page = get(client, users.province_manager, as_of=AS_OF_TEXT, structure="current")
    link = re.search(r'class="pdf-link no-print" href="([^"]+)"', page.content.decode())[1]
    assert link.startswith("/dashboard/summary.pdf?")
    assert "structure=current" in link and "as_of=31%2F12%2F2023" in link and "plan=PTDV" in link


def test_the_queries_do_not_grow_with_the_number_of_units(
    client, users, org, plan, django_assert_max_num_queries
):
    def count() -> int:
        client.force_login(users.province_manager)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"as_of": AS_OF_TEXT}).status_code == 200
        return len(queries)

    before = count()
    for n in range(4):
        make_unit(code=f"DC{n}", name=f"LĐLĐ huyện C{n}", kind="district",
                  parent=org.province)  # fmt: skip
    after = count()
    assert after <= before + 2, (before, after)
    with django_assert_max_num_queries(60):
        client.get(URL, {"as_of": AS_OF_TEXT})


def test_the_overview_and_the_menu_lead_to_the_dashboard(client, users):
    client.force_login(users.district_manager)
    page = client.get("/").content.decode()
    assert 'id="dashboard-link"' in page and 'href="/dashboard/"' in page
    assert "in a later version" not in page
