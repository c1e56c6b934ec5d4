import datetime as dt
from decimal import Decimal

import pytest

from congdoan.enterprises import services as enterprise_services
from congdoan.enterprises.models import Ownership
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.members import services as member_services
from congdoan.members.models import Membership
from congdoan.org import services as org_services
from congdoan.org.kinds import UnitKind
from congdoan.plans.calculators import CALCULATORS, NON_STATE_SECTOR
from congdoan.testing import make_member, make_unit

D = dt.date
YEAR_2023 = (D(2023, 1, 1), D(2023, 12, 31))
YEAR_2024 = (D(2024, 1, 1), D(2024, 12, 31))
FIRST_HALF_2024 = (D(2024, 1, 1), D(2024, 6, 30))


def compute(code, unit, period, **options):
    return CALCULATORS[code].compute(unit, *period, **options)


@pytest.fixture
def history(org):
    """Four members in 2020 (three in A1, one in A2); in 2024 one joins B1 (March), one
    moves A1 → B1 (May), the A2 one retires (30 June) and one joins A2 on 31 December; one
    more joins A2 on 1 January 2025."""
    for _ in range(3):
        make_member(unit=org.grassroots_a1, on=D(2020, 1, 1))
    retiring = make_member(unit=org.grassroots_a2, on=D(2020, 1, 1))
    make_member(unit=org.grassroots_b1, on=D(2024, 3, 1))
    moving = Membership.objects.filter(unit=org.grassroots_a1).first().member
    member_services.transfer_member(
        actor=None, member=moving, to_unit=org.grassroots_b1, on=D(2024, 5, 1)
    )
    member_services.leave_union(
        actor=None, member=retiring, on=D(2024, 6, 30), reason=Membership.EndReason.RETIRED
    )
    make_member(unit=org.grassroots_a2, on=D(2024, 12, 31))
    make_member(unit=org.grassroots_a2, on=D(2025, 1, 1))
    return org


def test_every_calculator_is_described():
    assert {
        "members",
        "members_joined",
        "members_left",
        "grassroots_units",
        "grassroots_founded",
        "enterprise_coverage",
        "members_non_state",
    } <= CALCULATORS.keys()
    for code, calculator in CALCULATORS.items():
        assert calculator.code == code
        assert str(calculator.label)
        assert calculator.measure in {"people", "units", "percent"}
        assert calculator.kind in {"at_date", "in_period"}


def test_members_are_counted_on_the_last_day_of_the_period(history):
    assert compute("members", history.province, YEAR_2023) == 4
    # 4 − 1 retired + 1 joined in March + 1 joined on 31 December (the last day counts).
    assert compute("members", history.province, YEAR_2024) == 5
    assert compute("members", history.district_a, YEAR_2023) == 4
    assert compute("members", history.district_a, FIRST_HALF_2024) == 2
    assert compute("members", history.district_a, YEAR_2024) == 3
    assert compute("members", history.district_b, YEAR_2024) == 2
    assert isinstance(compute("members", history.province, YEAR_2024), Decimal)


def test_new_members_include_both_ends_of_the_period_and_not_transfers(history):
    assert compute("members_joined", history.province, YEAR_2023) == 0
    assert compute("members_joined", history.province, (D(2020, 1, 1), D(2020, 12, 31))) == 4
    assert compute("members_joined", history.province, YEAR_2024) == 2
    assert compute("members_joined", history.district_a, YEAR_2024) == 1
    assert compute("members_joined", history.district_b, YEAR_2024) == 1
    assert compute("members_joined", history.district_b, FIRST_HALF_2024) == 1
    assert compute("members_joined", history.province, (D(2025, 1, 1), D(2025, 1, 1))) == 1


def test_members_who_left_are_counted_in_the_period_they_left(history):
    assert compute("members_left", history.province, YEAR_2023) == 0
    assert compute("members_left", history.province, YEAR_2024) == 1
    assert compute("members_left", history.province, FIRST_HALF_2024) == 1
    assert compute("members_left", history.district_a, YEAR_2024) == 1
    # The transfer out of district A is not leaving the union.
    assert compute("members_left", history.district_b, YEAR_2024) == 0


def test_in_period_counts_use_the_units_of_the_last_day_even_if_merged_the_day_after(org):
    make_member(unit=org.grassroots_b1, on=D(2024, 3, 1))
    org_services.merge_units(
        actor=None, sources=[org.district_b], into=org.district_a, on=D(2024, 7, 1)
    )
    assert compute("members_joined", org.district_b, FIRST_HALF_2024) == 1
    assert compute("members", org.district_b, FIRST_HALF_2024) == 1
    assert compute("members_joined", org.district_a, FIRST_HALF_2024) == 0


@pytest.fixture
def unions(org):
    """A3 founded under A on 1 September 2024; B2 dissolved from 1 October 2024."""
    make_unit(code="DA-3", parent=org.district_a, on=D(2024, 9, 1))
    org_services.dissolve_unit(actor=None, unit=org.grassroots_b2, on=D(2024, 10, 1))
    return org.refresh()


def test_grassroots_unions_are_those_standing_on_the_last_day(unions):
    assert compute("grassroots_units", unions.province, FIRST_HALF_2024) == 4
    assert compute("grassroots_units", unions.province, YEAR_2024) == 4
    assert compute("grassroots_units", unions.district_a, FIRST_HALF_2024) == 2
    assert compute("grassroots_units", unions.district_a, YEAR_2024) == 3
    assert compute("grassroots_units", unions.district_b, FIRST_HALF_2024) == 2
    assert compute("grassroots_units", unions.district_b, YEAR_2024) == 1
    assert compute("grassroots_units", unions.grassroots_a1, YEAR_2024) == 1


def test_founded_unions_are_new_units_not_reorganisations(unions):
    assert compute("grassroots_founded", unions.province, YEAR_2023) == 0
    assert compute("grassroots_founded", unions.province, FIRST_HALF_2024) == 0
    assert compute("grassroots_founded", unions.province, YEAR_2024) == 1
    assert compute("grassroots_founded", unions.district_a, YEAR_2024) == 1
    assert compute("grassroots_founded", unions.district_b, YEAR_2024) == 0
    # The parts of a split are a reorganisation, not a founding.
    org_services.split_unit(
        actor=None,
        unit=unions.grassroots_a1,
        parts=[("DA-1X", "CĐCS A1 X"), ("DA-1Y", "CĐCS A1 Y")],
        on=D(2024, 11, 1),
    )
    assert compute("grassroots_founded", unions.province, YEAR_2024) == 1
    # An upper-level union founded is not a grassroots union.
    make_unit(code="IZ", kind=UnitKind.INDUSTRIAL_ZONE, parent=unions.province, on=D(2024, 2, 1))
    assert compute("grassroots_founded", unions.province, YEAR_2024) == 1


def test_a_founding_counts_under_the_parent_of_its_day(org):
    make_unit(code="DB-3", parent=org.district_b, on=D(2024, 3, 1))
    org_services.merge_units(
        actor=None, sources=[org.district_b], into=org.district_a, on=D(2024, 7, 1)
    )
    assert compute("grassroots_founded", org.district_b, YEAR_2024) == 1
    assert compute("grassroots_founded", org.district_a, YEAR_2024) == 0
    assert compute("grassroots_founded", org.province, YEAR_2024) == 1


def test_coverage_is_the_percent_of_eligible_enterprises_with_a_union(org, settings):
    settings.ENTERPRISES_MIN_WORKERS = 20
    organised = make_enterprise(area_unit=org.district_a, workers=30, on=D(2020, 1, 1))
    make_enterprise(area_unit=org.district_a, workers=25, on=D(2020, 1, 1))
    make_enterprise(area_unit=org.district_a, workers=10, on=D(2020, 1, 1))
    late = make_enterprise(area_unit=org.district_a, workers=40, on=D(2020, 1, 1))
    enterprise_services.link_union(
        actor=None, enterprise=organised, union=org.grassroots_a1, on=D(2022, 1, 1)
    )
    enterprise_services.link_union(
        actor=None, enterprise=late, union=org.grassroots_a2, on=D(2024, 6, 1)
    )
    assert compute("enterprise_coverage", org.district_a, YEAR_2023) == Decimal(100) / 3
    assert compute("enterprise_coverage", org.district_a, YEAR_2024) == Decimal(
        "66.66666666666666666666666667"
    )
    assert compute("enterprise_coverage", org.province, YEAR_2024) == Decimal(200) / 3
    # With a threshold of 10 the small one is eligible too.
    assert compute("enterprise_coverage", org.district_a, YEAR_2024, min_workers=10) == 50
    # Nothing eligible: no percentage at all, not 0.
    assert compute("enterprise_coverage", org.district_b, YEAR_2024) is None
    assert compute("enterprise_coverage", org.district_a, (D(2010, 1, 1), D(2010, 12, 31))) is None


def test_non_state_members_are_those_working_for_non_state_fdi_or_cooperatives(org):
    assert NON_STATE_SECTOR == {Ownership.NON_STATE, Ownership.FOREIGN, Ownership.COOPERATIVE}
    employers = {
        ownership: make_enterprise(area_unit=org.district_a, ownership=ownership)
        for ownership in Ownership.values
    }
    for enterprise in employers.values():
        make_member(unit=org.grassroots_a1, on=D(2020, 1, 1), enterprise=enterprise)
    make_member(unit=org.grassroots_a1, on=D(2020, 1, 1))  # no registry employer
    make_member(unit=org.grassroots_a1, on=D(2020, 1, 1), employer_name="Công ty tư nhân")
    later = make_member(
        unit=org.grassroots_b1, on=D(2024, 5, 1), enterprise=employers[Ownership.FOREIGN]
    )
    assert compute("members_non_state", org.province, YEAR_2023) == 3
    assert compute("members_non_state", org.province, YEAR_2024) == 4
    assert compute("members_non_state", org.district_b, YEAR_2024) == 1
    member_services.leave_union(
        actor=None, member=later, on=D(2024, 12, 31), reason=Membership.EndReason.LEFT_JOB
    )
    assert compute("members_non_state", org.district_b, YEAR_2024) == 0
    assert compute("members_non_state", org.district_a, YEAR_2024) == 3
