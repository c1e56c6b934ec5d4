import datetime as dt
from decimal import Decimal

import pytest

from congdoan.enterprises import services as enterprise_services
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.org import services as org_services
from congdoan.plans import selectors, target_services
from congdoan.plans.models import Source
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import make_member

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world(org):
    """District A: A1 with 3 members in a 10-worker enterprise, A2 with 1 member and no
    enterprise; an enterprise of 7 workers without a union in A's area; an enterprise of
    unknown size without a union. District B: nobody."""
    for _ in range(3):
        make_member(unit=org.grassroots_a1, on=D(2021, 1, 1))
    make_member(unit=org.grassroots_a2, on=D(2021, 1, 1))
    organised = make_enterprise(area_unit=org.district_a, workers=10, on=D(2020, 1, 1))
    enterprise_services.link_union(
        actor=None, enterprise=organised, union=org.grassroots_a1, on=D(2020, 1, 1)
    )
    make_enterprise(area_unit=org.district_a, workers=7, on=D(2020, 1, 1))
    make_enterprise(area_unit=org.district_a, workers=None, on=D(2020, 1, 1))
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    plan = make_plan(owner=org.province, indicators=[members])
    return org, plan, members, plan.periods.get(label="2022")


def test_children_at_a_date(org):
    org_services.move_unit(
        actor=None, unit=org.grassroots_a2, parent=org.district_b, on=D(2022, 7, 1)
    )
    assert selectors.children_of(org.district_a, D(2022, 1, 1)) == [
        org.grassroots_a1,
        org.grassroots_a2,
    ]
    assert selectors.children_of(org.district_a, D(2022, 7, 1)) == [org.grassroots_a1]


def test_split_inputs_give_members_potential_and_current(world):
    org, plan, members, year = world
    rows = {i.unit.code: i for i in selectors.split_inputs(plan, members, org.province, year)}
    assert set(rows) == {"DA", "DB"}
    assert (rows["DA"].members, rows["DA"].current, rows["DA"].potential) == (4, 4, 7 + 10 - 3)
    assert (rows["DB"].members, rows["DB"].current, rows["DB"].potential) == (0, 0, 0)
    grassroots = {
        i.unit.code: i for i in selectors.split_inputs(plan, members, org.district_a, year)
    }
    # A1's enterprise lies in A's area but belongs to A1 through its union.
    assert grassroots["DA-1"].potential == 7
    assert grassroots["DA-2"].potential == 0


def test_proposals_by_each_method_add_up(world):
    org, plan, members, year = world
    inputs = selectors.split_inputs(plan, members, org.province, year)
    by_members = selectors.proposals("members", 10, inputs)
    assert [(p.current, p.proposed) for p in by_members] == [(4, 10), (0, 0)]
    assert by_members[0].growth == Decimal("1.5")
    assert by_members[1].growth is None  # nothing to grow from
    by_potential = selectors.proposals("potential", 10, inputs)
    assert [p.proposed for p in by_potential] == [10, 0]
    same_growth = selectors.proposals("growth", 10, inputs)
    assert sum(p.proposed for p in same_growth) == 10
    by_hand = selectors.proposals("hand", 10, inputs)
    assert [p.proposed for p in by_hand] == [None, None]
    with pytest.raises(ValueError):
        selectors.proposals("dice", 10, inputs)


def test_a_reported_indicator_has_no_current_value_yet(world):
    org, plan, _members, year = world
    reported = make_indicator(code="HT")
    plan.indicators.add(reported)
    rows = selectors.split_inputs(plan, reported, org.province, year)
    assert [r.current for r in rows] == [None, None]
    assert [r.members for r in rows] == [4, 0]


def test_the_grid_shows_each_parents_mismatch(world):
    org, plan, members, year = world
    phase = plan.periods.get(label="2022–2023")
    put = {"actor": None, "plan": plan, "indicator": members}
    target_services.set_target(**put, unit=org.province, period=year, value=100)
    target_services.set_target(**put, unit=org.province, period=phase, value=300)
    target_services.apply_split(
        **put, parent_unit=org.province, period=year,
        values={org.district_a.pk: 60, org.district_b.pk: 30},
    )  # fmt: skip
    target_services.apply_split(
        **put, parent_unit=org.district_a, period=year, values={org.grassroots_a1.pk: 60},
    )  # fmt: skip
    grid = selectors.target_grid(plan, members)
    assert [p.label for p in grid.periods] == ["2022–2023", "2022", "2023"]
    rows = {row.unit.code: row for row in grid.rows}
    assert [row.unit.code for row in grid.rows] == ["P", "DA", "DA-1", "DB"]
    assert rows["P"].values[year.pk] == 100
    assert rows["P"].mismatch == {year.pk: Decimal("10")}  # the phase has no split yet
    assert rows["DA"].mismatch == {year.pk: Decimal("0")}
    assert rows["DB"].mismatch == {}
