"""Progress of a plan from the kept counts: actual, target, %, pace, forecast and status,
for a unit and the units under it, and the CLI that prints them."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congdoan.analytics import progress
from congdoan.analytics import series as charts
from congdoan.analytics import status as st
from congdoan.members import selectors
from congdoan.members import services as member_services
from congdoan.org import services as org_services
from congdoan.plans import target_services
from congdoan.plans.models import Period, Source
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import Org, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Org()


@pytest.fixture
def plan(org):
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    joined = make_indicator(code="DV_MOI", source=Source.COMPUTED, calculator="members_joined")
    reported = make_indicator(code="BC")
    plan = make_plan(owner=org.province, indicators=[members, joined, reported], code="KH")
    year = plan.periods.get(label="2022")
    for unit, value in ((org.province, 40), (org.district_a, 30), (org.district_b, 10)):
        target_services.set_target(
            actor=None, plan=plan, indicator=members, unit=unit, period=year, value=value
        )
    target_services.set_target(
        actor=None, plan=plan, indicator=joined, unit=org.province, period=year, value=20
    )
    return plan


def roster(org):
    """Members joining district A's unions every month of 2020–2022 (two in spring), and one
    in district B who leaves in 2022."""
    for year in (2020, 2021, 2022):
        for month in range(1, 13):
            if dt.date(year, month, 1) > dt.date(2022, 6, 1):
                break
            make_member(unit=org.grassroots_a1, on=dt.date(year, month, 3))
            if month in (4, 5):
                make_member(unit=org.grassroots_a2, on=dt.date(year, month, 5), gender="female")
    leaver = make_member(unit=org.grassroots_b1, on=dt.date(2021, 2, 1))
    member_services.leave_union(
        actor=None, member=leaver, on=dt.date(2022, 3, 1), reason="left_job"
    )


def test_the_figures_of_a_unit_and_its_children_on_a_date(org, plan):
    roster(org)
    on = dt.date(2022, 6, 15)
    result = progress.plan_progress(plan, unit=org.province, as_of=on)
    assert result.period_label == "2022"
    assert [c.unit for c in result.children] == ["DA", "DB"]
    members = result.unit.indicator("DV")
    registry = selectors.count_members(unit=org.province, on=on).members
    assert members.actual == registry == 30 + 6 + 0
    assert members.target == 40
    assert members.achieved_pct == round(100 * registry / 40, 1)
    # (40 − 36) over the months left to 31/12/2022.
    assert members.pace_needed == pytest.approx(4 / ((dt.date(2022, 12, 31) - on).days / 30.44),
                                                abs=0.1)
    assert members.forecast is not None and members.forecast_low <= members.forecast
    assert members.forecast <= members.forecast_high
    # A steady 1 a month (3 in spring) from 36 by mid-June: about 43 by December.
    assert 40 <= members.forecast <= 46
    assert members.status == st.ON_TRACK
    joined = result.unit.indicator("DV_MOI")
    assert joined.actual == 6 + 2  # January to June 2022, both unions of district A
    assert joined.target == 20
    district_b = result.children[1].indicator("DV")
    assert district_b.actual == 0 and district_b.target == 10
    assert district_b.status == st.BEHIND
    # A reported indicator without a figure or a target.
    assert result.unit.indicator("BC").actual is None
    assert result.unit.indicator("BC").status == st.NO_TARGET
    # A parent's actual is the sum of its children's for summed indicators.
    for code in ("DV", "DV_MOI"):
        assert result.unit.indicator(code).actual == sum(
            c.indicator(code).actual for c in result.children
        )


def test_the_period_measured_follows_the_date(org, plan):
    assert progress.period_for(plan, dt.date(2023, 5, 1)).label == "2023"
    assert progress.period_for(plan, dt.date(2021, 5, 1)).label == "2022"
    assert progress.period_for(plan, dt.date(2025, 5, 1)).label == "2023"
    Period.objects.filter(plan=plan, kind=Period.Kind.YEAR).delete()
    assert progress.period_for(plan, dt.date(2023, 5, 1)).label == "2022–2023"


def test_the_structure_restated_moves_a_unions_history(org, plan):
    roster(org)
    # District B's union moves under district A at the start of 2023.
    org_services.move_unit(
        actor=None, unit=org.grassroots_b1, parent=org.district_a, on=dt.date(2023, 1, 1)
    )
    on = dt.date(2022, 2, 15)
    as_was = progress.plan_progress(plan, unit=org.district_a, as_of=on)
    current = progress.plan_progress(
        plan, unit=org.district_a, as_of=on, structure=progress.CURRENT
    )
    leaver_in_b = 1
    assert (
        current.unit.indicator("DV").actual
        == as_was.unit.indicator("DV").actual + leaver_in_b
    )


def test_the_chart_series_join_actual_and_forecast(org, plan):
    roster(org)
    members = plan.indicators.get(code="DV")
    series = charts.headline_series(plan, members, org.province, as_of=dt.date(2022, 6, 15))
    assert series.months[0] == dt.date(2021, 1, 1)
    assert series.months[-1] == dt.date(2023, 12, 1)
    june = series.months.index(dt.date(2022, 6, 1))
    assert series.actual[june] == 36
    assert series.forecast[june] == 36  # the forecast starts at the last actual
    assert series.actual[june + 1] is None and series.forecast[june + 1] is not None
    december = series.months.index(dt.date(2022, 12, 1))
    assert series.target[december] == 40
    assert series.low[december] <= series.forecast[december] <= series.high[december]


def test_the_cli_prints_the_same_figures_as_the_service(org, plan):
    roster(org)
    out = io.StringIO()
    call_command("progress", "KH", "--as-of", "15/06/2022", "--json", stdout=out)
    data = json.loads(out.getvalue())
    service = progress.plan_progress(plan, unit=org.province, as_of=dt.date(2022, 6, 15))
    assert data == json.loads(json.dumps(service.as_dict()))
    assert data["plan"] == "KH" and data["as_of"] == "2022-06-15"
    assert [u["unit"] for u in data["units"]] == ["P", "DA", "DB"]
    first = data["units"][0]["indicators"][1]
    assert set(first) >= {
        "indicator", "actual", "target", "achieved_pct", "pace_needed", "forecast",
        "forecast_low", "forecast_high", "status",
    }
    text = io.StringIO()
    call_command("progress", "KH", "--unit", "DA", "--as-of", "2022-06-15", stdout=text)
    assert "DA" in text.getvalue() and "DA-1" in text.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE"], "NOPE"),
        (["KH", "--unit", "ZZZ"], "ZZZ"),
        (["KH", "--as-of", "31/02/2022"], "31/02/2022"),
    ],
)
def test_the_cli_refuses_what_it_cannot_use(org, plan, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        call_command("progress", *args)
    assert caught.value.returncode == 2


def test_the_cli_backtests_the_forecasts_on_the_units_history(org, plan):
    roster(org)
    out = io.StringIO()
    call_command(
        "progress", "KH", "--as-of", "15/06/2023", "--backtest", "--json", stdout=out
    )
    rows = {(r["figure"], r["model"]): r for r in json.loads(out.getvalue())}
    stock = rows[("members", "changes")]
    # 41 months of history: origins from the 24th that have an outcome 12 months on.
    assert stock["cases"] > 0 and stock["horizon_months"] == 12
    assert 0 <= stock["coverage"] <= 1 and stock["mape"] is not None


def test_every_calculator_read_for_a_whole_page_equals_the_calculator_unit_by_unit(org):
    """The page reads its figures for all its units at once (kept counts, or one grouped
    query per indicator); each must be what the plans' calculator gives the unit alone."""
    from congdoan.enterprises.tests.factory import make_enterprise
    from congdoan.org.kinds import UnitKind
    from congdoan.org.models import Unit
    from congdoan.plans.calculators import CALCULATORS

    indicators = [
        make_indicator(code=f"C{i}", source=Source.COMPUTED, calculator=code)
        for i, code in enumerate(sorted(CALCULATORS))
    ]
    plan = make_plan(owner=org.province, indicators=indicators, code="ALL")
    roster(org)
    founded = org_services.create_unit(
        actor=None, code="DA-9", name="CĐCS mới", kind=UnitKind.GRASSROOTS,
        parent=org.district_a, on=dt.date(2022, 2, 14),
    )  # fmt: skip
    make_member(unit=founded, on=dt.date(2022, 2, 20))
    make_enterprise(area_unit=org.district_a, workers=45, on=dt.date(2021, 1, 1))
    make_enterprise(area_unit=org.district_b, workers=25, on=dt.date(2021, 1, 1))
    as_of = dt.date(2022, 5, 31)
    for structure in (progress.AS_WAS, progress.CURRENT):
        for top in (org.province, org.district_a):
            page = progress.plan_progress(plan, unit=top, as_of=as_of, structure=structure)
            start = page.period_start
            for unit_progress in (page.unit, *page.children):
                unit = Unit.objects.get(code=unit_progress.unit)
                for indicator in indicators:
                    value = CALCULATORS[indicator.calculator].compute(unit, start, as_of)
                    expected = None if value is None else round(float(value), 1)
                    got = unit_progress.indicator(indicator.code).actual
                    assert got == expected, (structure, unit.code, indicator.calculator)
