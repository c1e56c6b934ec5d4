import datetime as dt

import pytest

from congdoan.accounts.scope import scope_for
from congdoan.enterprises import selectors
from congdoan.enterprises.reach import membership_reach
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.org import services as org_services

pytestmark = pytest.mark.django_db
D = dt.date
EARLY, LATE = D(2021, 6, 30), D(2023, 6, 30)


def figures(unit, on, **options):
    c = selectors.coverage(unit=unit, on=on, **options)
    return (c.eligible, c.with_union, c.pct, c.workers_eligible, c.workers_covered)


def test_coverage_agrees_with_the_hand_count_at_two_dates(registry):
    # 30 Jun 2021: E1 (union), E2, E4, E8 are eligible; E5 is suspended, E3 too small.
    assert figures(registry.province, EARLY) == (4, 1, 25.0, 265, 120)
    assert figures(registry.district_a, EARLY) == (2, 1, 50.0, 165, 120)
    assert figures(registry.district_b, EARLY) == (2, 0, 0.0, 100, 0)
    # 30 Jun 2023: E2's union is founded, E3 grew past 20, E4 dissolved, E5 operates
    # again, E6 is registered with a union.
    assert figures(registry.province, LATE) == (6, 3, 50.0, 545, 190)
    assert figures(registry.district_a, LATE) == (3, 2, 66.7, 465, 165)
    assert figures(registry.district_b, LATE) == (3, 1, 33.3, 80, 25)


def test_threshold_is_a_parameter(registry):
    assert figures(registry.province, LATE, min_workers=50) == (2, 1, 50.0, 420, 120)
    assert figures(registry.province, LATE, min_workers=19)[0] == 7
    assert selectors.coverage(unit=registry.province, on=LATE).min_workers == 20


def test_a_unit_without_eligible_enterprises_has_no_percentage(registry):
    assert figures(registry.grassroots_a1, LATE) == (0, 0, None, 0, 0)
    assert figures(registry.province, D(2019, 6, 1)) == (0, 0, None, 0, 0)


def test_uncovered_is_ranked_by_workers(registry):
    def names(on):
        return [(e.name, e.workers) for e in selectors.uncovered(unit=registry.province, on=on)]

    assert names(EARLY) == [("E4", 80), ("E2", 45), ("E8", 20)]
    assert names(LATE) == [("E5", 300), ("E3", 35), ("E8", 20)]


def test_scope_limits_the_figures(registry, users):
    scope = scope_for(users.district_manager)
    assert selectors.coverage(unit=registry.province, on=LATE, scope=scope).eligible == 3
    found = selectors.uncovered(unit=registry.province, on=LATE, scope=scope)
    assert [e.name for e in found] == ["E5"]


def test_membership_reach_against_workers(registry):
    reach = membership_reach(unit=registry.province, on=LATE)
    rows = [(r.name, r.union, r.members, r.workers, r.ratio) for r in reach.rows]
    assert rows == [
        ("E6", "DB-1", 0, 25, 0.0),
        ("E2", "DA-3", 1, 45, 0.022),
        ("E1", "DA-1", 3, 120, 0.025),
    ]
    assert (reach.enterprises, reach.members, reach.workers, reach.ratio) == (3, 4, 190, 0.021)
    assert membership_reach(unit=registry.province, on=LATE, limit=1).rows[0].name == "E6"


def test_as_was_and_current_structures_after_a_merge(registry):
    reform = D(2025, 7, 1)
    org_services.merge_units(
        actor=None, sources=[registry.district_b], into=registry.district_a, on=reform
    )
    registry.refresh()
    # As the structure was in 2023, B's enterprises were B's; restated, they are A's.
    assert figures(registry.district_a, LATE)[0] == 3
    assert figures(registry.district_b, LATE)[0] == 3
    assert figures(registry.district_a, LATE, structure="current")[0] == 6
    # After the merge, B's enterprises count under A even as the structure was then.
    assert figures(registry.district_a, reform)[0] == 6
    assert figures(registry.province, reform)[0] == 6
    assert figures(registry.district_b, reform)[0] == 0


def test_coverage_runs_in_a_fixed_number_of_queries(registry, django_assert_max_num_queries):
    for i in range(20):
        make_enterprise(area_unit=registry.district_a, workers=20 + i)
    # The org revision, the tree's epoch (two indexed maxima) and forest (cached), ended
    # area units, then one aggregate.
    with django_assert_max_num_queries(6):
        selectors.coverage(unit=registry.province, on=LATE)
    with django_assert_max_num_queries(6):
        membership_reach(unit=registry.province, on=LATE)


def test_coverage_of_many_units_at_once_is_each_ones_coverage(registry):
    from congdoan.enterprises.coverage import coverage_of_units
    from congdoan.org.models import Unit

    make_enterprise(area_unit=registry.province, workers=40, on=D(2020, 1, 1))
    reform = D(2025, 7, 1)
    org_services.merge_units(
        actor=None, sources=[registry.district_b], into=registry.district_a, on=reform
    )
    units = list(Unit.objects.all())
    for on in (EARLY, LATE, reform, D(2019, 6, 1)):
        for threshold in (None, 50):
            found = coverage_of_units([u.pk for u in units], on=on, min_workers=threshold)
            for unit in units:
                one = selectors.coverage(unit=unit, on=on, min_workers=threshold)
                assert found[unit.pk] == (one.eligible, one.with_union), (unit.code, on)
    # Enterprises of the district merged away count under the province afterwards.
    after = coverage_of_units([registry.province.pk], on=reform)[registry.province.pk]
    assert after[0] == selectors.coverage(unit=registry.province, on=reform).eligible > 0
