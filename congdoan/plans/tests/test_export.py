"""The progress report as an .xlsx: figures, totals, a native chart, scope and the audit."""

import datetime as dt
import io
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from congdoan.core.models import AuditEntry
from congdoan.plans import exports, target_services
from congdoan.plans.models import Aggregation, Measure, Source
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import make_member

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/plans/KH-1/export.xlsx"


@pytest.fixture
def plan(org):
    """The province's plan: members (computed) and a reported share that does not add up.

    On 30/06/2022: 3 members in district A (2 in A1, one of whom joined in March; 1 in A2)
    and 1 in district B, so 4 for the province."""
    for unit, on in (
        (org.grassroots_a1, D(2021, 1, 1)),
        (org.grassroots_a1, D(2022, 3, 1)),
        (org.grassroots_a2, D(2021, 1, 1)),
        (org.grassroots_b1, D(2021, 1, 1)),
    ):
        make_member(unit=unit, on=on)
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    share = make_indicator(code="TL", measure=Measure.PERCENT, aggregation=Aggregation.NONE)
    plan = make_plan(owner=org.province, indicators=[members, share], code="KH-1")
    for unit, amount in (
        (org.province, 10),
        (org.district_a, 6),
        (org.district_b, 4),
        (org.grassroots_a1, 4),
        (org.grassroots_a2, 2),
    ):
        put(plan, unit, amount)
    put(plan, org.province, 80, code="TL")
    put(plan, org.province, 12, label="2023")
    return plan


def put(plan, unit, amount, label="2022", code="DV"):
    return target_services.set_target(
        actor=None,
        plan=plan,
        indicator=plan.indicators.get(code=code),
        unit=unit,
        period=plan.periods.get(label=label),
        value=amount,
    )


def sheets(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content)


def test_the_summary_gives_target_actual_and_share_for_the_owner(client, plan, users):
    client.force_login(users.province_manager)
    data = body(client.get(URL, {"as_of": "30/06/2022"}))
    book = sheets(data)
    names = list(book)
    assert names[1:] == ["DV"]  # the share gives no targets to the districts: no sheet
    summary = book[names[0]]
    assert "LĐLĐ tỉnh Thử" in summary[0][0]
    assert "KH-1" in summary[1][0] and "30/06/2022" in summary[2][0]
    assert "2022" in summary[exports.HEADER_ROW][3]
    members, share = summary[exports.HEADER_ROW + 1], summary[exports.HEADER_ROW + 2]
    assert members[:6] == [1.0, "Chỉ tiêu DV", members[2], 10.0, 4.0, 40.0]
    # A reported share nobody has reported: target, no actual, no rate, a note.
    assert share[3] == 80.0 and share[4] == "" and share[5] == "" and share[6]


def test_the_indicator_sheet_lists_the_districts_with_a_total_and_a_chart(client, plan, users):
    client.force_login(users.province_manager)
    data = body(client.get(URL, {"as_of": "30/06/2022"}))
    table = sheets(data)["DV"]
    first = exports.HEADER_ROW + 1
    assert table[first][:6] == [1.0, "DA", "LĐLĐ huyện A", 6.0, 3.0, 50.0]
    assert table[first + 1][:6] == [2.0, "DB", "LĐLĐ huyện B", 4.0, 1.0, 25.0]
    total = table[first + 2]
    assert total[3:6] == [10.0, 4.0, 40.0]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet2.xml").decode()
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "<f>SUM(D6:D7)</f>" in sheet_xml and "<f>SUM(E6:E7)</f>" in sheet_xml
    assert '<c:barDir val="col"/>' in chart
    assert len(re.findall(r"<c:ser>", chart)) == 2
    assert "$C$6:$C$7" in chart


def test_the_figures_of_a_later_year_start_with_that_year(client, plan, users):
    client.force_login(users.province_manager)
    data = body(client.get(URL, {"as_of": "31/03/2023"}))
    summary = list(sheets(data).values())[0]
    members = summary[exports.HEADER_ROW + 1]
    assert "2023" in summary[exports.HEADER_ROW][3]
    assert members[3:6] == [12.0, 4.0, 33.3]


def test_a_district_viewer_exports_the_province_plan_for_its_district(client, plan, users):
    client.force_login(users.district_viewer)
    data = body(client.get(URL, {"as_of": "30/06/2022", "unit": "DA"}))
    book = sheets(data)
    summary = list(book.values())[0]
    assert "LĐLĐ huyện A" in summary[0][0]
    assert summary[exports.HEADER_ROW + 1][3:6] == [6.0, 3.0, 50.0]
    table = book["DV"]
    first = exports.HEADER_ROW + 1
    assert table[first][1:6] == ["DA-1", "CĐCS A1", 4.0, 2.0, 50.0]
    assert table[first + 1][1:6] == ["DA-2", "CĐCS A2", 2.0, 1.0, 50.0]
    assert table[first + 2][3:6] == [6.0, 3.0, 50.0]
    # The province above them they may see; the neighbouring district they may not.
    assert client.get(URL, {"unit": "P", "as_of": "30/06/2022"}).status_code == 200
    assert client.get(URL, {"unit": "DB"}).status_code == 404
    assert client.get(URL, {"unit": "NOPE"}).status_code == 404


def test_outsiders_get_404(client, org, users):
    make_plan(owner=org.district_b, code="KH-B")
    client.force_login(users.district_manager)
    assert client.get("/plans/KH-B/export.xlsx").status_code == 404
    assert client.get("/plans/NOPE/export.xlsx").status_code == 404
    assert not AuditEntry.objects.filter(operation=exports.OPERATION).exists()


def test_each_export_is_audited(client, plan, users):
    client.force_login(users.district_viewer)
    body(client.get(URL, {"as_of": "30/06/2022", "unit": "DA"}))
    entry = AuditEntry.objects.get(operation=exports.OPERATION)
    assert entry.actor == users.district_viewer
    assert entry.action == AuditEntry.Action.VIEW
    assert entry.object_id == str(plan.pk)
    assert entry.after == {"unit": "DA", "as_of": "30/06/2022"}


def test_the_date_defaults_to_today_capped_to_the_plans_end(client, plan, users):
    client.force_login(users.province_manager)
    body(client.get(URL))
    entry = AuditEntry.objects.get(operation=exports.OPERATION)
    assert entry.after == {"unit": "P", "as_of": "31/12/2023"}


def test_a_bad_date_goes_back_to_the_plan_with_a_message(client, plan, users):
    client.force_login(users.province_manager)
    response = client.get(URL, {"as_of": "31/02/2022"}, follow=True)
    assert response.redirect_chain[-1][0] == "/plans/KH-1/"
    assert "31/02/2022" in response.content.decode()
    assert not AuditEntry.objects.filter(operation=exports.OPERATION).exists()


def test_the_overview_links_to_the_export(client, plan, users):
    client.force_login(users.clerk)
    page = client.get("/plans/KH-1/").content.decode()
    assert 'href="/plans/KH-1/export.xlsx"' in page


def test_sheet_names_are_ones_excel_accepts():
    taken = {"summary"}
    assert exports.sheet_name("A/B:C*D?[E]", taken) == "A-B-C-D--E-"
    long = "X" * 40
    assert exports.sheet_name(long, taken) == "X" * 31
    assert exports.sheet_name(long, taken) == "X" * 29 + "~2"
    assert exports.sheet_name("Summary", taken) == "Summary~2"
