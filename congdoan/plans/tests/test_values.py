import datetime as dt
from decimal import Decimal

import pytest

from congdoan.org.kinds import UnitKind
from congdoan.plans import reporting, selectors, values
from congdoan.plans.models import Aggregation, Indicator, Measure, Source
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import make_member, make_unit

pytestmark = pytest.mark.django_db
D = dt.date
Y2023 = (D(2023, 1, 1), D(2023, 12, 31))


def put(indicator, unit, value, span=Y2023):
    reporting.report_value(
        actor=None, indicator=indicator, unit=unit, starts_on=span[0], ends_on=span[1],
        value=value,
    )  # fmt: skip


@pytest.fixture
def world(org):
    """Four members of A1 and two of B1 since 2021; one more joins A1 in 2023."""
    for _ in range(4):
        make_member(unit=org.grassroots_a1, on=D(2021, 1, 1))
    for _ in range(2):
        make_member(unit=org.grassroots_b1, on=D(2021, 1, 1))
    make_member(unit=org.grassroots_a1, on=D(2023, 5, 1))
    return org


@pytest.fixture
def study():
    return make_indicator(code="HOC_CT")


def test_a_computed_indicator_is_its_calculator(world):
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    joined = make_indicator(code="KN", source=Source.COMPUTED, calculator="members_joined")
    assert values.value_of(members, world.district_a, *Y2023) == 5  # on the last day
    assert values.value_of(joined, world.province, *Y2023) == 1
    assert values.value_of(members, world.province, D(2022, 1, 1), D(2022, 12, 31)) == 6


def test_a_units_own_figure_is_its_value(world, study):
    put(study, world.grassroots_a1, 7)
    assert values.value_of(study, world.grassroots_a1, *Y2023) == 7
    other_span = (D(2023, 1, 1), D(2023, 3, 31))
    assert values.value_of(study, world.grassroots_a1, *other_span) is None


def test_a_parent_without_a_figure_sums_what_is_reported_under_it(world, study):
    put(study, world.grassroots_a1, 7)
    put(study, world.grassroots_a2, 3)
    put(study, world.grassroots_b1, 5)
    district_a = values.value_with_coverage(study, world.district_a, *Y2023)
    assert (district_a.value, district_a.complete, district_a.missing) == (10, True, frozenset())
    province = values.value_with_coverage(study, world.province, *Y2023)
    assert province.value == 15
    assert not province.complete and province.missing == {world.grassroots_b2.pk}
    # The district's own total wins over the sum under it.
    put(study, world.district_a, 12)
    assert values.value_of(study, world.province, *Y2023) == 17


def test_the_highest_unit_with_nothing_reported_is_the_one_missing(world, study):
    put(study, world.grassroots_a1, 7)
    province = values.value_with_coverage(study, world.province, *Y2023)
    assert province.missing == {world.grassroots_a2.pk, world.district_b.pk}
    nothing = values.value_with_coverage(study, world.district_b, *Y2023)
    assert (nothing.value, nothing.missing) == (None, {world.district_b.pk})
    leaf = values.value_with_coverage(study, world.grassroots_b1, *Y2023)
    assert (leaf.value, leaf.complete, leaf.missing) == (None, False, {world.grassroots_b1.pk})


def test_the_sum_follows_the_structure_of_the_last_day(world, study):
    newcomer = make_unit(code="DB-9", parent=world.district_b, on=D(2024, 2, 1))
    put(study, world.grassroots_b1, 2)
    put(study, world.grassroots_b2, 3)
    coverage = values.value_with_coverage(study, world.district_b, *Y2023)
    assert (coverage.value, coverage.complete) == (5, True)  # DB-9 did not exist yet
    assert newcomer.pk not in coverage.missing


def test_the_sum_stops_at_grassroots_unions(world, study):
    make_unit(kind=UnitKind.DEPARTMENT, parent=world.grassroots_a1)
    put(study, world.grassroots_a2, 3)
    coverage = values.value_with_coverage(study, world.district_a, *Y2023)
    assert coverage.value == 3 and coverage.missing == {world.grassroots_a1.pk}


def test_an_indicator_that_does_not_aggregate_has_only_own_figures(world):
    score = make_indicator(code="DIEM", aggregation=Aggregation.NONE)
    put(score, world.grassroots_a1, 8)
    assert values.value_of(score, world.grassroots_a1, *Y2023) == 8
    assert values.value_of(score, world.district_a, *Y2023) is None


def test_a_parents_ratio_is_the_ratio_of_its_sums(world):
    trained = make_indicator(code="DT")
    workers = make_indicator(code="LD")
    share = make_indicator(
        code="TL_DT", measure=Measure.PERCENT, aggregation=Aggregation.RATIO,
        numerator=trained, denominator=workers,
    )  # fmt: skip
    put(trained, world.grassroots_a1, 10)
    put(workers, world.grassroots_a1, 20)  # 50 %
    put(trained, world.grassroots_a2, 30)
    put(workers, world.grassroots_a2, 40)  # 75 %
    assert values.value_of(share, world.district_a, *Y2023) == Decimal(40 * 100) / 60
    put(share, world.grassroots_a1, 55)  # a unit's own figure wins
    assert values.value_of(share, world.grassroots_a1, *Y2023) == 55
    assert values.value_of(share, world.district_a, *Y2023) == Decimal(40 * 100) / 60
    partial = values.value_with_coverage(share, world.province, *Y2023)
    assert partial.value == Decimal(40 * 100) / 60
    assert not partial.complete and partial.missing == {world.district_b.pk}
    assert values.value_of(share, world.district_b, *Y2023) is None


def test_a_ratio_over_a_zero_denominator_is_unknown(world):
    trained, workers = make_indicator(code="DT"), make_indicator(code="LD")
    share = make_indicator(
        code="TL", aggregation=Aggregation.RATIO, numerator=trained, denominator=workers
    )
    put(trained, world.grassroots_a1, 0)
    put(workers, world.grassroots_a1, 0)
    assert values.value_of(share, world.grassroots_a1, *Y2023) is None


def test_a_formula_over_a_reported_and_a_computed_indicator(world, study):
    make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    rate = make_indicator(
        code="TL_HOC", source=Source.FORMULA, formula="HOC_CT / DV * 100",
        measure=Measure.PERCENT,
    )  # fmt: skip
    put(study, world.grassroots_a1, 2)
    put(study, world.grassroots_b1, 1)
    assert values.value_of(rate, world.grassroots_a1, *Y2023) == 40  # 2 of 5 members
    assert values.value_of(rate, world.province, *Y2023) == Decimal(300) / 7
    everything = values.value_with_coverage(rate, world.province, *Y2023)
    assert not everything.complete
    assert everything.missing == {world.grassroots_a2.pk, world.grassroots_b2.pk}


def test_a_formula_with_an_operand_without_value_is_unknown(world, study):
    make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    rate = make_indicator(code="TL_HOC", source=Source.FORMULA, formula="HOC_CT / DV * 100")
    result = values.value_with_coverage(rate, world.grassroots_a1, *Y2023)
    assert (result.value, result.complete) == (None, False)
    # B2 has no members: a division by zero is unknown too.
    put(study, world.grassroots_b2, 1)
    assert values.value_of(rate, world.grassroots_b2, *Y2023) is None
    # An operand that no longer exists (changed behind the rules' back).
    Indicator.objects.filter(pk=rate.pk).update(formula="HOC_CT + KHONG_CO")
    rate.refresh_from_db()
    assert values.value_of(rate, world.grassroots_b2, *Y2023) is None


def test_formulas_that_loop_give_no_value(world, study):
    first = make_indicator(code="F1", source=Source.FORMULA, formula="HOC_CT + 1")
    make_indicator(code="F2", source=Source.FORMULA, formula="F1 * 2")
    # The rules refuse loops on save; the data is changed behind them to make one.
    Indicator.objects.filter(pk=first.pk).update(formula="F2 + HOC_CT")
    first.refresh_from_db()
    put(study, world.grassroots_a1, 1)
    result = values.value_with_coverage(first, world.grassroots_a1, *Y2023)
    assert (result.value, result.complete) == (None, False)


def test_a_subtree_is_summed_from_one_read_of_the_figures(world, study, django_assert_num_queries):
    for unit in (world.grassroots_a1, world.grassroots_a2, world.grassroots_b1):
        put(study, unit, 1)
    values.value_of(study, world.province, *Y2023)  # the tree of that day is cached now
    for index in range(5):
        put(study, make_unit(parent=world.district_b, on=D(2020, 1, 1)), index)
    values.value_of(study, world.province, *Y2023)  # cache the tree again after the change
    # The tree cache's freshness check, then the figures of every unit at once.
    with django_assert_num_queries(2):
        assert values.value_of(study, world.province, *Y2023) == 3 + 10


@pytest.mark.parametrize(
    ("start", "end", "before"),
    [
        (D(2024, 1, 1), D(2024, 12, 31), (D(2023, 1, 1), D(2023, 12, 31))),
        (D(2023, 1, 1), D(2023, 12, 31), (D(2022, 1, 1), D(2022, 12, 31))),
        (D(2023, 1, 1), D(2023, 3, 31), (D(2022, 10, 1), D(2022, 12, 31))),
        (D(2024, 3, 1), D(2024, 3, 31), (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2022, 1, 1), D(2023, 12, 31), (D(2020, 1, 1), D(2021, 12, 31))),
        (D(2023, 1, 10), D(2023, 1, 19), (D(2022, 12, 31), D(2023, 1, 9))),
    ],
)
def test_the_span_before(start, end, before):
    assert values.span_before(start, end) == before


def test_current_value_for_each_source(world, study):
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    joined = make_indicator(code="KN", source=Source.COMPUTED, calculator="members_joined")
    rate = make_indicator(code="TL_HOC", source=Source.FORMULA, formula="HOC_CT / DV * 100")
    plan = make_plan(owner=world.province, indicators=[members, joined, study, rate], year=2024)
    year = plan.periods.get(label="2024")
    put(study, world.grassroots_a1, 1)  # for 2023, the year before the period
    put(study, world.grassroots_a1, 4, span=(D(2024, 1, 1), D(2024, 12, 31)))
    a1 = world.grassroots_a1
    assert selectors.current_value(members, a1, year) == 5  # on 1 January 2024
    assert selectors.current_value(joined, a1, year) == 1  # in 2023
    assert selectors.current_value(study, a1, year) == 1
    assert selectors.current_value(study, world.district_a, year) == 1
    assert selectors.current_value(rate, a1, year) == 20  # 1 of 5 members at the end of 2023
    assert selectors.current_value(study, world.grassroots_b1, year) is None
    assert selectors.current_value(rate, world.grassroots_b1, year) is None
