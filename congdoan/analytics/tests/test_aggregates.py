"""The kept counts against the registry: after random histories (admissions, transfers,
suspensions, leavings, merges of people and reorganisations of unions), the counts kept
current by the services equal a full rebuild, and the figures summed from them equal the
registry's own counts, in both structures, at random dates."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from congdoan.analytics import rollup, services
from congdoan.analytics.models import FIGURES, Checkpoint, UnitDay, UnitMonth
from congdoan.members import merging, selectors
from congdoan.members import services as member_services
from congdoan.members.models import Member, Membership
from congdoan.members.tests.test_count_invariants import START, Skip, apply, pick, step
from congdoan.org.models import Unit, UnitVersion
from congdoan.plans import calculators
from congdoan.testing import Org, make_member

# The registry's own operations plus those that change a person rather than a span.
extra_step = st.tuples(
    st.sampled_from(["resume", "readmit", "away", "gender", "merge_people", "backdated"]),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(1, 200),
)


def apply_more(op, a, b, on):
    members = list(Member.objects.filter(merged_into=None).order_by("pk"))
    grassroots = list(Unit.objects.filter(kind="grassroots", is_active=True).order_by("pk"))
    if op == "resume":
        member_services.resume_member(actor=None, member=pick(members, a), on=on)
    elif op == "readmit":
        member_services.readmit_member(
            actor=None, member=pick(members, a), unit=pick(grassroots, b), on=on
        )
    elif op == "away":
        from congdoan.members import transfers

        transfers.transfer_away(actor=None, member=pick(members, a), on=on, destination="Hà Nội")
    elif op == "gender":
        person = pick(members, a)
        gender = "female" if person.gender == "male" else "male"
        member_services.update_member(actor=None, member=person, gender=gender)
    elif op == "merge_people":
        keep, drop = pick(members, a), pick(members, b)
        if keep.pk == drop.pk:
            raise Skip
        merging.merge(actor=None, pair_or_members=[keep, drop], keep=keep, reason="Trùng")
    else:
        # A join recorded late: it moves the openings of every month kept since.
        make_member(unit=pick(grassroots, a), on=on - dt.timedelta(days=400), gender="female")


def kept_rows():
    def rows(model, key):
        return {
            (r["unit_id"], r[key]): tuple(r[f] for f in FIGURES)
            for r in model.objects.values("unit_id", key, *FIGURES)
            if any(r[f] for f in FIGURES)
        }

    return rows(UnitDay, "day"), rows(UnitMonth, "month")


def reset():
    Membership.objects.all().delete()
    Member.objects.filter(merged_into__isnull=False).update(merged_into=None)
    Member.objects.all().delete()
    Unit.objects.all().update(parent=None, successor=None)
    UnitVersion.objects.all().delete()
    Unit.objects.all().delete()
    for model in (UnitDay, UnitMonth, Checkpoint):
        model.objects.all().delete()
    Org()


def check_figures(days):
    everyone = list(Unit.objects.all())
    for day in days:
        for structure in rollup.STRUCTURES:
            figures = rollup.rollup_on(day, structure=structure)
            for unit in everyone:
                count = selectors.count_members(unit=unit, on=day, structure=structure)
                got = figures.of(unit.pk)
                if structure == rollup.AS_WAS and unit.pk not in set(figures.ids.tolist()):
                    assert count.members == 0
                    continue
                assert (got["members"], got["female"], got["suspended"]) == (
                    count.members,
                    count.female,
                    count.suspended,
                ), (unit.code, day, structure)
                # A parent's figure is its own unions' plus its children's.
                children = figures.children(unit.pk)
                own = Membership.objects.filter(unit=unit, start__lte=day).exclude(
                    end__lte=day
                ).count()
                assert got["members"] == own + sum(
                    figures.of(c)["members"] for c in children
                ), (unit.code, day, structure, "sum")
        year = dt.date(day.year, 1, 1)
        flows = rollup.rollup_between(year, day)
        for unit in everyone:
            if unit.pk not in set(flows.ids.tolist()):
                continue
            got = flows.of(unit.pk)
            assert got["joined"] == calculators.members_joined(unit, year, day), (unit.code, day)
            assert got["left"] == calculators.members_left(unit, year, day), (unit.code, day)


@settings(
    max_examples=12,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.one_of(step, extra_step), min_size=3, max_size=14),
    reads=st.lists(st.integers(0, 13), max_size=3),
)
def test_kept_counts_equal_a_rebuild_and_the_registry(db, steps, reads):
    reset()
    on, days = START, []
    for counter, (op, a, b, gap) in enumerate(steps):
        on = min(on + dt.timedelta(days=gap), dt.date.today())
        try:
            if op in {"resume", "readmit", "away", "gender", "merge_people", "backdated"}:
                apply_more(op, a, b, on)
            else:
                apply(op, a, b, on, counter)
        except (ValidationError, Skip):
            pass
        days.append(on)
        if counter in reads:
            # A reading makes the months kept so far; later changes must move them.
            rollup.rollup_on(on)
    check_figures(sorted(set(days))[-4:] + [START - dt.timedelta(days=1)])
    incremental = kept_rows()
    services.rebuild()
    assert kept_rows() == incremental


@pytest.mark.django_db
def test_rebuild_from_nothing_and_a_month_made_when_first_read():
    org = Org()
    make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15), gender="female")
    make_member(unit=org.grassroots_a2, on=dt.date(2024, 3, 1))
    result = services.rebuild()
    assert result.days == 2
    assert Checkpoint.objects.first().month == dt.date(2024, 1, 1)
    figures = rollup.rollup_on(dt.date(2024, 2, 29))
    assert figures.of(org.province.pk)["members"] == 1
    assert figures.of(org.province.pk)["female"] == 1
    assert rollup.rollup_on(dt.date(2024, 3, 1)).of(org.province.pk)["members"] == 2
    # The newest month is made on reading when the calendar has moved on.
    newest = Checkpoint.objects.order_by("-month").first()
    UnitMonth.objects.filter(month=newest.month).delete()
    newest.delete()
    last = services.ensure_checkpoints()
    assert last == dt.date.today().replace(day=1)
    assert rollup.rollup_on(dt.date.today()).of(org.province.pk)["members"] == 2
    series = rollup.monthly_stock(
        org.district_a, start=dt.date(2023, 12, 1), end=dt.date(2024, 4, 10)
    )
    assert series == [
        (dt.date(2023, 12, 1), 0),
        (dt.date(2024, 1, 1), 1),
        (dt.date(2024, 2, 1), 1),
        (dt.date(2024, 3, 1), 2),
        (dt.date(2024, 4, 1), 2),
    ]


@pytest.mark.django_db
def test_a_refused_change_leaves_the_counts_as_they_were():
    org = Org()
    member = make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15))
    services.rebuild()
    before = kept_rows()
    with pytest.raises(ValidationError):
        # Before the span began: refused, and the counts roll back with it.
        member_services.leave_union(
            actor=None, member=member, on=dt.date(2023, 1, 1), reason="left_job"
        )
    assert kept_rows() == before


@pytest.mark.django_db
def test_the_rebuild_command_restores_counts_written_straight_into_the_tables():
    org = Org()
    make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15))
    UnitDay.objects.all().delete()  # as a generator writing spans directly leaves them
    UnitMonth.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild", "--json", stdout=out)
    assert json.loads(out.getvalue())["days"] == 1
    assert rollup.rollup_on(dt.date(2024, 2, 1)).of(org.province.pk)["members"] == 1


@pytest.mark.django_db
def test_the_non_state_sector_follows_the_employer_and_its_ownership():
    from congdoan.enterprises import services as enterprise_services
    from congdoan.enterprises.models import Ownership
    from congdoan.enterprises.tests.factory import make_enterprise

    org = Org()
    employer = make_enterprise(area_unit=org.district_a, ownership=Ownership.NON_STATE)
    worker = make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15), enterprise=employer)
    make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15))
    on = dt.date(2024, 6, 1)

    def non_state():
        kept = rollup.rollup_on(on).of(org.province.pk)["non_state"]
        assert kept == calculators.members_non_state(org.province, on, on)
        return kept

    assert non_state() == 1
    enterprise_services.update_enterprise(
        actor=None, enterprise=employer, ownership=Ownership.STATE
    )
    assert non_state() == 0
    enterprise_services.update_enterprise(
        actor=None, enterprise=employer, ownership=Ownership.FOREIGN
    )
    assert non_state() == 1
    member_services.update_member(actor=None, member=worker, enterprise=None)
    assert non_state() == 0
    incremental = kept_rows()
    services.rebuild()
    assert kept_rows() == incremental


@pytest.mark.django_db
def test_remembered_figures_are_asked_again_once_the_data_change():
    from congdoan.analytics.cache import remembered

    org = Org()
    calls = []

    def members():
        calls.append(1)
        return rollup.rollup_on(dt.date.today()).of(org.province.pk)["members"]

    assert remembered("t", ("x",), members) == 0
    assert remembered("t", ("x",), members) == 0
    assert len(calls) == 1
    make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15))  # audited: a new version
    assert remembered("t", ("x",), members) == 1
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_change_dated_before_every_month_kept_makes_the_months_before():
    org = Org()
    make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15))
    services.rebuild()
    make_member(unit=org.grassroots_a2, on=dt.date(2023, 5, 20), gender="female")
    assert Checkpoint.objects.order_by("month").first().month == dt.date(2023, 5, 1)
    figures = rollup.rollup_on(dt.date(2023, 7, 1))
    assert figures.of(org.province.pk)["members"] == 1
    assert rollup.rollup_on(dt.date(2024, 2, 1)).of(org.province.pk)["members"] == 2
    incremental = kept_rows()
    services.rebuild()
    assert kept_rows() == incremental


@pytest.mark.django_db
def test_openings_kept_in_memory_follow_a_back_dated_change_and_a_rebuild():
    from congdoan.analytics import openings

    org = Org()
    make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 15))
    services.rebuild()
    day = dt.date(2024, 6, 10)
    assert rollup.rollup_on(day).of(org.province.pk)["members"] == 1
    assert dt.date(2024, 6, 1) in openings._kept  # the month's openings are in memory now
    # A join recorded late moves the opening of June: the copy must not answer again.
    make_member(unit=org.grassroots_a2, on=dt.date(2024, 2, 1), gender="female")
    figures = rollup.rollup_on(day).of(org.province.pk)
    assert (figures["members"], figures["female"]) == (2, 1)
    # A rebuild makes its months anew, with new stamps, even where the figures are alike.
    stamps = set(Checkpoint.objects.values_list("stamp", flat=True))
    services.rebuild()
    assert not stamps & set(Checkpoint.objects.values_list("stamp", flat=True))
    assert rollup.rollup_on(day).of(org.province.pk)["members"] == 2


def test_add_rows_adds_repeated_positions_as_numpy_add_at_does():
    import numpy as np

    from congdoan.analytics.arrays import add_rows

    rng = np.random.default_rng(7)
    totals = rng.integers(-50, 50, size=(40, 3))
    positions = rng.integers(0, 40, size=500)
    rows = rng.integers(-1000, 1000, size=(500, 3))
    expected = totals.copy()
    np.add.at(expected, positions, rows)
    add_rows(totals, positions, rows)
    assert (totals == expected).all()


@pytest.mark.django_db
def test_monthly_history_sums_each_asked_unit_as_the_roll_ups_do():
    from congdoan.analytics.history import MonthlyHistory
    from congdoan.analytics.structure import shape

    org = Org()
    people = [
        make_member(unit=unit, on=day, gender=gender)
        for unit, day, gender in [
            (org.grassroots_a1, dt.date(2024, 1, 5), "female"),
            (org.grassroots_a1, dt.date(2024, 2, 10), "male"),
            (org.grassroots_a2, dt.date(2024, 2, 28), "female"),
            (org.grassroots_b1, dt.date(2024, 3, 1), "male"),
            (org.grassroots_b2, dt.date(2024, 4, 15), "female"),
        ]
    ]
    member_services.transfer_member(
        actor=None, member=people[1], to_unit=org.grassroots_b1, on=dt.date(2024, 3, 20)
    )
    member_services.leave_union(
        actor=None, member=people[2], on=dt.date(2024, 4, 2), reason="left_job"
    )
    services.rebuild()
    end = dt.date(2024, 6, 10)
    asked = [org.province.pk, org.district_a.pk, org.district_b.pk, org.grassroots_b1.pk]

    def check() -> MonthlyHistory:
        history = MonthlyHistory(
            asked, shape(rollup.AS_WAS, end), start=dt.date(2023, 12, 1), end=end
        )
        assert history.months[0] == dt.date(2023, 12, 1)
        assert history.months[-1] == dt.date(2024, 5, 1)
        for unit_id in asked:
            for name in ("members", "female"):
                expected = [
                    (m, rollup.rollup_on(services.next_month(m) - dt.timedelta(1))
                     .of(unit_id)[name])
                    for m in history.months
                ]  # fmt: skip
                assert history.series(unit_id, name) == expected, (unit_id, name)
            for name in ("joined", "left", "transferred_in", "transferred_out"):
                expected = [
                    (m, rollup.rollup_between(m, services.next_month(m) - dt.timedelta(1))
                     .of(unit_id)[name])
                    for m in history.months
                ]  # fmt: skip
                assert history.series(unit_id, name) == expected, (unit_id, name)
        return history

    history = check()
    assert history.series(org.province.pk, "members")[-1][1] == 4
    # The months are kept in memory now; a join recorded late must show in them.
    make_member(unit=org.grassroots_b2, on=dt.date(2024, 2, 20), gender="female")
    assert check().series(org.province.pk, "members")[-1][1] == 5


@pytest.mark.django_db
def test_many_changes_at_once_add_up_as_one_at_a_time():
    """A roster adds thousands of (union, day) changes in one call (written as arrays on
    PostgreSQL): the rows must be those that the same changes one by one would leave."""
    from congdoan.analytics import ledger

    org = Org()
    make_member(unit=org.grassroots_a1, on=dt.date(2023, 1, 10))
    services.rebuild()  # months kept from January 2023
    unions = [org.grassroots_a1.pk, org.grassroots_a2.pk, org.grassroots_b1.pk]
    changes = {
        (unit_id, dt.date(2023, 1, 1) + dt.timedelta(days=7 * i)): [1, i % 2, 0, 1, 1, 0, 0, 0]
        for i in range(40)
        for unit_id in unions
    }
    ledger.add(changes)
    together = kept_rows()
    services.rebuild()  # back to the spans' own counts: the changes above have no spans
    for key, values in changes.items():
        ledger.add({key: values})
    assert kept_rows() == together
    assert len(together[0]) == 121  # the changes' days and the member's own


@pytest.mark.django_db
def test_changes_gathered_settle_as_added_one_by_one():
    """months_gathered (an import's counts): the daily rows at once, the months on leaving;
    what a savepoint rolled back within is left out, and a rolled-back whole writes nothing."""
    from django.db import transaction

    from congdoan.analytics import ledger

    org = Org()
    make_member(unit=org.grassroots_a1, on=dt.date(2023, 1, 10))
    services.rebuild()  # months kept from January 2023; some changes come before
    unions = [org.grassroots_a1.pk, org.grassroots_a2.pk, org.grassroots_b1.pk]
    changes = {
        (unit_id, dt.date(2022, 9, 1) + dt.timedelta(days=11 * i)): [1, i % 2, 0, 1, 1, 0, 0, 0]
        for i in range(60)
        for unit_id in unions
    }
    keys = sorted(changes)
    with transaction.atomic(), ledger.months_gathered():
        ledger.add({key: changes[key] for key in keys[::2]})
        try:
            with transaction.atomic():
                ledger.add({(unions[0], dt.date(2023, 3, 3)): [5, 5, 0, 0, 5, 0, 0, 0]})
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        ledger.add({key: changes[key] for key in keys[1::2]})
    gathered = kept_rows()
    with transaction.atomic(), ledger.months_gathered():
        ledger.add({(unions[1], dt.date(2023, 2, 2)): [7, 0, 0, 0, 7, 0, 0, 0]})
        transaction.set_rollback(True)
    assert kept_rows() == gathered
    services.rebuild()  # back to the spans' own counts: the changes above have no spans
    for key in keys:
        ledger.add({key: changes[key]})
    assert kept_rows() == gathered
    assert Checkpoint.objects.order_by("month").first().month == dt.date(2022, 9, 1)
