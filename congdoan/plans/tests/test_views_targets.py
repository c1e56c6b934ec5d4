"""Target pages: the editable grid, the split wizard and a target's history."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils.html import escape

from congdoan.core.models import AuditEntry
from congdoan.org import services as org_services
from congdoan.plans import errors as plan_errors
from congdoan.plans import forms, services, target_services
from congdoan.plans.models import Measure, Source, Target, TargetChange
from congdoan.plans.templatetags.targets_tags import gap
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import make_member, make_unit

pytestmark = pytest.mark.django_db
D = dt.date
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def says(response, message) -> bool:
    page = response.content.decode()
    return all(escape(part.strip()) in page for part in _PLACEHOLDER.split(str(message)) if part)


@pytest.fixture
def plan(org):
    """The province's plan with the members indicator; 3 members in district A at the start
    of 2022 (2 in A1, 1 in A2) and 1 in district B."""
    for unit in (org.grassroots_a1, org.grassroots_a1, org.grassroots_a2, org.grassroots_b1):
        make_member(unit=unit, on=D(2021, 1, 1))
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    share = make_indicator(code="TL", measure=Measure.PERCENT)
    return make_plan(owner=org.province, indicators=[members, share], code="KH-1")


def year(plan, label="2022"):
    return plan.periods.get(label=label)


def value(plan, unit, label="2022", code="DV"):
    found = Target.objects.filter(
        plan=plan, unit=unit, period__label=label, indicator__code=code
    ).first()
    return found and found.value


def put(plan, unit, amount, label="2022", code="DV"):
    return target_services.set_target(
        actor=None,
        plan=plan,
        indicator=plan.indicators.get(code=code),
        unit=unit,
        period=year(plan, label),
        value=amount,
    )


def cell(unit, period):
    return f"c-{unit.pk}-{period.pk}"


def grid_post(client, plan, cells: dict, *, reason="Nghị quyết 05", originals=None, code="DV"):
    """POST the grid: `cells` maps (unit, period) → text; originals default to now's."""
    data = {"reason": reason}
    for (unit, period), text in cells.items():
        data[cell(unit, period)] = text
        if originals is not None and (unit, period) in originals:
            original = originals[(unit, period)]
        else:
            found = Target.objects.filter(plan=plan, unit=unit, period=period, indicator__code=code)
            original = found.values_list("value", flat=True).first()
        data[f"o-{unit.pk}-{period.pk}"] = "" if original is None else str(original)
    return client.post(f"/plans/{plan.code}/targets/?indicator={code}", data)


def state():
    return (
        list(Target.objects.order_by("pk").values_list()),
        TargetChange.objects.count(),
        AuditEntry.objects.count(),
    )


# --- the grid ------------------------------------------------------------------------------


def test_the_province_sees_its_row_and_its_districts_to_edit(client, plan, org, users):
    client.force_login(users.province_manager)
    response = client.get("/plans/KH-1/targets/")
    assert response.status_code == 200
    grid = response.context["grid"]
    rows = {row.unit.code: row for row in grid.rows}
    assert list(rows) == ["P", "DA", "DB"]
    assert [row.depth for row in grid.rows] == [0, 1, 1]
    assert all(c.editable for row in grid.rows for c in row.cells)
    page = response.content.decode()
    assert f'name="{cell(org.district_a, year(plan))}"' in page
    assert 'id="save-targets"' in page


def test_a_district_sets_its_unions_and_only_reads_the_rows_above(client, plan, org, users):
    put(plan, org.province, 1000)
    client.force_login(users.district_manager)
    response = client.get("/plans/KH-1/targets/?indicator=DV")
    rows = {row.unit.code: row for row in response.context["grid"].rows}
    assert list(rows) == ["P", "DA", "DA-1", "DA-2"]  # not district B
    assert not rows["P"].editable and not rows["DA"].editable
    assert rows["DA-1"].editable and rows["DA-2"].editable
    page = response.content.decode()
    assert f'name="{cell(org.province, year(plan))}"' not in page
    assert "LĐLĐ huyện B" not in page


def test_a_viewer_reads_the_grid_without_inputs(client, plan, users):
    client.force_login(users.district_viewer)
    response = client.get("/plans/KH-1/targets/")
    assert response.status_code == 200
    assert 'class="target-input"' not in response.content.decode()
    assert client.post("/plans/KH-1/targets/", {"reason": "x"}).status_code == 403


def test_the_grid_is_not_found_outside_the_plans_one_sees(client, org, users):
    make_plan(owner=org.district_b, code="KH-B")
    client.force_login(users.district_manager)
    assert client.get("/plans/KH-B/targets/").status_code == 404
    assert client.get("/plans/KH-1/targets/").status_code == 404


def test_an_unknown_indicator_is_not_found(client, plan, users):
    client.force_login(users.province_manager)
    assert client.get("/plans/KH-1/targets/?indicator=NOPE").status_code == 404


def test_changed_cells_are_saved_at_once_with_the_reason(client, plan, org, users):
    put(plan, org.district_b, 300)
    client.force_login(users.province_manager)
    y2022, y2023 = year(plan), year(plan, "2023")
    response = grid_post(
        client,
        plan,
        {
            (org.province, y2022): "1.200",  # Vietnamese thousands
            (org.district_a, y2022): "700",
            (org.district_b, y2022): "300",  # unchanged: no new history
            (org.district_a, y2023): "",  # left empty: nothing
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/plans/KH-1/targets/?indicator=DV"
    assert value(plan, org.province) == Decimal(1200)
    assert value(plan, org.district_a) == Decimal(700)
    assert value(plan, org.district_a, "2023") is None
    change = TargetChange.objects.get(target__unit=org.province)
    assert (change.before, change.after, change.reason) == (None, 1200, "Nghị quyết 05")
    assert change.actor == users.province_manager
    assert TargetChange.objects.filter(target__unit=org.district_b).count() == 1


def test_decimals_of_a_percentage_are_kept(client, plan, org, users):
    client.force_login(users.province_manager)
    response = grid_post(client, plan, {(org.province, year(plan)): "12,5"}, code="TL")
    assert response.status_code == 302
    assert value(plan, org.province, code="TL") == Decimal("12.5")


def test_one_bad_cell_refuses_them_all(client, plan, org, users):
    client.force_login(users.province_manager)
    before = state()
    y2022 = year(plan)
    response = grid_post(
        client, plan, {(org.province, y2022): "1000", (org.district_a, y2022): "nhiều"}
    )
    assert response.status_code == 200
    assert state() == before
    assert response.context["cell_errors"] == {
        f"{org.district_a.pk}-{y2022.pk}": [forms.NUMBER_INVALID % {"value": "nhiều"}]
    }
    page = response.content.decode()
    assert f'id="e-{org.district_a.pk}-{y2022.pk}"' in page
    assert 'value="nhiều"' in page  # what was typed stays


def test_a_cell_the_service_refuses_refuses_them_all(client, plan, org, users):
    client.force_login(users.province_manager)
    before = state()
    y2022 = year(plan)
    response = grid_post(
        client, plan, {(org.province, y2022): "1000", (org.district_a, y2022): "-5"}
    )
    assert response.status_code == 200
    assert state() == before
    errors = response.context["cell_errors"]
    assert list(errors) == [f"{org.district_a.pk}-{y2022.pk}"]
    assert errors[f"{org.district_a.pk}-{y2022.pk}"] == [
        str(plan_errors.VALUE_NEGATIVE % {"value": "-5"})
    ]
    assert says(response, plan_errors.TARGET_CELLS_REFUSED)


def test_a_reason_is_required(client, plan, org, users):
    client.force_login(users.province_manager)
    before = state()
    response = grid_post(client, plan, {(org.province, year(plan)): "1000"}, reason="")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert state() == before


def test_a_target_changed_since_the_page_was_loaded_refuses_the_save(client, plan, org, users):
    put(plan, org.district_a, 500)
    client.force_login(users.province_manager)
    y2022 = year(plan)
    seen = {(org.district_a, y2022): Decimal(500), (org.province, y2022): None}
    put(plan, org.district_a, 550)  # someone else, meanwhile
    before = state()
    response = grid_post(
        client,
        plan,
        {(org.province, y2022): "1000", (org.district_a, y2022): "600"},
        originals=seen,
    )
    assert response.status_code == 200
    assert state() == before
    errors = response.context["form"].non_field_errors()
    assert "LĐLĐ huyện A – 2022" in errors[0]
    assert "LĐLĐ tỉnh Thử" not in errors[0]
    # The page keeps what the user first saw, so saving it again is refused again.
    assert f'name="o-{org.district_a.pk}-{y2022.pk}" value="500"' in response.content.decode()


def test_a_district_cannot_change_the_province_row(client, plan, org, users):
    client.force_login(users.district_manager)
    before = state()
    y2022 = year(plan)
    response = grid_post(
        client, plan, {(org.grassroots_a1, y2022): "10", (org.district_a, y2022): "700"}
    )
    assert response.status_code == 200
    assert state() == before
    assert list(response.context["cell_errors"]) == [f"{org.district_a.pk}-{y2022.pk}"]
    response = grid_post(client, plan, {(org.province, y2022): "9"})
    assert list(response.context["cell_errors"]) == [f"{org.province.pk}-{y2022.pk}"]
    assert state() == before


def test_a_district_cannot_change_a_siblings_unions(client, plan, org, users):
    client.force_login(users.district_manager)
    before = state()
    response = grid_post(client, plan, {(org.grassroots_b1, year(plan)): "10"})
    assert response.status_code == 403
    assert state() == before


def test_a_district_sets_its_unions_targets(client, plan, org, users):
    client.force_login(users.district_manager)
    response = grid_post(client, plan, {(org.grassroots_a1, year(plan)): "40"})
    assert response.status_code == 302
    assert value(plan, org.grassroots_a1) == 40


def test_each_parents_mismatch_is_shown(client, plan, org, users):
    put(plan, org.province, 1000)
    put(plan, org.district_a, 600)
    put(plan, org.district_b, 280)
    put(plan, org.province, 100, label="2023")
    put(plan, org.district_a, 130, label="2023")
    client.force_login(users.province_manager)
    response = client.get("/plans/KH-1/targets/")
    top = response.context["grid"].rows[0]
    assert [p.label for p in response.context["grid"].periods] == ["2022", "2023", "2022–2023"]
    assert [c.mismatch for c in top.cells] == [Decimal(120), Decimal(-30), None]
    page = response.content.decode()
    assert escape(gap(Decimal(120))) in page and escape(gap(Decimal(-30))) in page
    assert 'class="gap short"' in page and 'class="gap over"' in page


def test_a_closed_plan_shows_no_inputs(client, plan, users):
    services.change_plan_status(actor=None, plan=plan, status="in_force")
    services.change_plan_status(actor=None, plan=plan, status="closed")
    client.force_login(users.province_manager)
    response = client.get("/plans/KH-1/targets/")
    assert not response.context["grid"].editable


# --- the split wizard ----------------------------------------------------------------------


def wizard(plan, unit, label="2022", code="DV", **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    base = f"/plans/{plan.code}/targets/split/?indicator={code}&unit={unit.code}"
    return f"{base}&period={year(plan, label).pk}" + (f"&{params}" if params else "")


def save_split(client, plan, unit, values: dict, *, method, total, reason="Chia theo đoàn viên"):
    data = {
        "indicator": "DV",
        "unit": unit.code,
        "period": year(plan).pk,
        "method": method,
        "total": total,
        "reason": reason,
    }
    data.update({f"v-{child.pk}": text for child, text in values.items()})
    return client.post(f"/plans/{plan.code}/targets/split/", data)


def proposed(response) -> dict:
    return {row["input"].unit.code: row["shown"] for row in response.context["rows"]}


def test_the_wizard_first_asks_how_with_the_parents_target_as_total(client, plan, org, users):
    put(plan, org.province, 1200)
    client.force_login(users.province_manager)
    response = client.get(wizard(plan, org.province))
    assert response.status_code == 200
    assert response.context["form"]["total"].value() == "1.200"
    assert not response.context["proposed"]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("members", {"DA": "75", "DB": "25"}),  # 3 members against 1
        ("potential", {"DA": "50", "DB": "50"}),  # nobody's potential: split equally
        ("growth", {"DA": "75", "DB": "25"}),  # the same growth from 3 and 1 members
        ("hand", {"DA": "", "DB": ""}),  # no target yet
    ],
)
def test_each_method_proposes_and_saves(client, plan, org, users, method, expected):
    put(plan, org.province, 100)
    client.force_login(users.province_manager)
    response = client.get(wizard(plan, org.province, method=method, total="100"))
    assert response.status_code == 200
    assert proposed(response) == expected
    typed = {org.district_a: expected["DA"] or "70", org.district_b: expected["DB"] or "30"}
    response = save_split(client, plan, org.province, typed, method=method, total="100")
    assert response.status_code == 302
    assert response["Location"] == "/plans/KH-1/targets/?indicator=DV"
    assert value(plan, org.district_a) + value(plan, org.district_b) == 100
    change = TargetChange.objects.get(target__unit=org.district_a)
    assert change.reason == "Chia theo đoàn viên" and change.actor == users.province_manager


def test_the_growth_each_proposal_implies_is_shown(client, plan, org, users):
    client.force_login(users.province_manager)
    response = client.get(wizard(plan, org.province, method="members", total="8"))
    rows = {row["input"].unit.code: row for row in response.context["rows"]}
    assert rows["DA"]["input"].current == 3
    assert rows["DA"]["proposal"].proposed == 6
    assert rows["DA"]["proposal"].growth == 1  # from 3 to 6: +100 %
    assert "+100" in response.content.decode()


def test_a_split_that_does_not_add_up_is_saved_and_its_mismatch_shown(client, plan, org, users):
    put(plan, org.province, 100)
    client.force_login(users.province_manager)
    response = save_split(
        client, plan, org.province, {org.district_a: "60", org.district_b: ""},
        method="hand", total="100",
    )  # fmt: skip
    assert response.status_code == 302
    assert value(plan, org.district_a) == 60 and value(plan, org.district_b) is None
    page = client.get(response["Location"]).content.decode()
    assert escape(gap(Decimal(40))) in page


def test_a_split_needs_a_reason_and_numbers(client, plan, org, users):
    client.force_login(users.province_manager)
    before = state()
    response = save_split(
        client, plan, org.province, {org.district_a: "60"}, method="hand", total="", reason=""
    )
    assert response.status_code == 200 and response.context["reason_error"]
    response = save_split(
        client, plan, org.province, {org.district_a: "sáu"}, method="hand", total=""
    )
    assert response.status_code == 200
    assert response.context["rows"][0]["error"]
    assert state() == before


def test_a_total_of_part_of_a_person_cannot_be_split(client, plan, org, users):
    client.force_login(users.province_manager)
    response = client.get(wizard(plan, org.province, method="members", total="10,5"))
    assert response.status_code == 200
    assert response.context["form"].errors["total"]
    assert not response.context["proposed"]


def test_only_the_parents_managers_open_the_wizard(client, plan, org, users):
    client.force_login(users.district_manager)
    assert client.get(wizard(plan, org.province)).status_code == 403
    assert client.get(wizard(plan, org.district_b)).status_code == 404
    response = client.get(wizard(plan, org.district_a, method="members", total="10"))
    assert response.status_code == 200
    assert set(proposed(response)) == {"DA-1", "DA-2"}
    client.force_login(users.district_viewer)
    assert client.get(wizard(plan, org.district_a)).status_code == 403
    client.force_login(users.admin)
    assert client.get(wizard(plan, org.district_b)).status_code == 200


def test_a_district_cannot_split_into_a_siblings_unions(client, plan, org, users):
    client.force_login(users.district_manager)
    before = state()
    data = {
        "indicator": "DV", "unit": "DA", "period": year(plan).pk, "method": "hand",
        "total": "", "reason": "thử", f"v-{org.grassroots_b1.pk}": "5",
    }  # fmt: skip
    response = client.post("/plans/KH-1/targets/split/", data)
    assert response.status_code == 200
    assert state() == before


# --- history -------------------------------------------------------------------------------


def test_a_targets_history_shows_who_when_before_after_and_why(client, plan, org, users):
    client.force_login(users.province_manager)
    grid_post(client, plan, {(org.district_a, year(plan)): "500"}, reason="Giao lần đầu")
    grid_post(client, plan, {(org.district_a, year(plan)): "550"}, reason="Điều chỉnh")
    target = Target.objects.get(unit=org.district_a)
    response = client.get(f"/plans/KH-1/targets/{target.pk}/history/")
    assert response.status_code == 200
    changes = list(response.context["changes"])
    assert [(c.before, c.after, c.reason) for c in changes] == [
        (None, 500, "Giao lần đầu"),
        (500, 550, "Điều chỉnh"),
    ]
    page = response.content.decode()
    assert "tinh" in page and "Điều chỉnh" in page
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", page)
    # From the grid, the cell links to it.
    grid = client.get("/plans/KH-1/targets/").content.decode()
    assert f"/plans/KH-1/targets/{target.pk}/history/" in grid


def test_history_outside_what_one_sees_is_not_found(client, plan, org, users):
    target = put(plan, org.district_b, 30)
    client.force_login(users.district_manager)
    assert client.get(f"/plans/KH-1/targets/{target.pk}/history/").status_code == 404
    client.force_login(users.district_b_manager)
    assert client.get(f"/plans/KH-1/targets/{target.pk}/history/").status_code == 200


def test_a_union_founded_during_the_plan_has_cells_from_the_next_period(client, plan, org, users):
    founded = make_unit(code="DA-3", name="CĐCS A3", parent=org.district_a, on=D(2022, 6, 1))
    client.force_login(users.district_manager)
    response = client.get("/plans/KH-1/targets/")
    row = next(r for r in response.context["grid"].rows if r.unit == founded)
    by_label = {c.period.label: c for c in row.cells}
    assert not by_label["2022"].in_plan and not by_label["2022"].editable
    assert by_label["2023"].editable
    assert f'name="{cell(founded, year(plan, "2023"))}"' in response.content.decode()
    assert f'name="{cell(founded, year(plan))}"' not in response.content.decode()


def test_a_union_moved_in_from_a_sibling_is_set_from_the_move_on(client, plan, org, users):
    org_services.move_unit(
        actor=None, unit=org.grassroots_b2, parent=org.district_a, on=D(2023, 1, 1)
    )
    client.force_login(users.district_manager)
    response = client.get("/plans/KH-1/targets/")
    row = next(r for r in response.context["grid"].rows if r.unit == org.grassroots_b2)
    by_label = {c.period.label: c for c in row.cells}
    assert not by_label["2022"].editable  # district B's then
    assert by_label["2023"].editable
