"""For random histories of members and reorganisations, a parent's count is its children's sum."""

import datetime as dt

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congdoan.members import selectors, services
from congdoan.members.models import Member, Membership
from congdoan.org import services as org_services
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import Unit
from congdoan.testing import Org, make_member

START = dt.date(2018, 1, 1)
step = st.tuples(
    st.sampled_from(
        [
            "admit",
            "admit",
            "transfer",
            "leave",
            "suspend",
            "move",
            "merge_grassroots",
            "merge_district",
            "dissolve",
            "split",
        ]
    ),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(1, 200),  # days after the previous step
)


class Skip(Exception):
    """The step needs something the history does not have yet (e.g. nobody to transfer)."""


def pick(items, index):
    if not items:
        raise Skip
    return items[index % len(items)]


def apply(op, a, b, on, counter):
    grassroots = list(Unit.objects.filter(kind__in=MEMBER_HOLDING, is_active=True).order_by("pk"))
    districts = list(Unit.objects.filter(kind="district", is_active=True).order_by("pk"))
    members = list(Member.objects.order_by("pk"))
    if op == "admit":
        make_member(unit=pick(grassroots, a), on=on, birth_date=dt.date(1980, 1, 1))
    elif op == "transfer":
        services.transfer_member(
            actor=None, member=pick(members, a), to_unit=pick(grassroots, b), on=on
        )
    elif op == "leave":
        services.leave_union(actor=None, member=pick(members, a), on=on, reason="left_job")
    elif op == "suspend":
        services.suspend_member(actor=None, member=pick(members, a), on=on)
    elif op == "move":
        org_services.move_unit(
            actor=None, unit=pick(grassroots, a), parent=pick(districts, b), on=on
        )
    elif op == "merge_grassroots":
        org_services.merge_units(
            actor=None, sources=[pick(grassroots, a)], into=pick(grassroots, b), on=on
        )
    elif op == "merge_district":
        org_services.merge_units(
            actor=None, sources=[pick(districts, a)], into=pick(districts, b), on=on
        )
    elif op == "dissolve":
        org_services.dissolve_unit(actor=None, unit=pick(grassroots, a), on=on)
    else:
        org_services.split_unit(
            actor=None,
            unit=pick(grassroots, a),
            parts=[(f"S{counter}A", f"Tách {counter} A"), (f"S{counter}B", f"Tách {counter} B")],
            on=on,
        )


def check_sums(days):
    province = Unit.objects.get(code="P")
    everyone = Unit.objects.all()
    for day in days:
        # As it was: the tree of that day.
        for unit in everyone:
            children = [
                n.id
                for n in selectors.org_selectors.tree_as_of(day).nodes.values()
                if n.parent_id == unit.pk
            ]
            total = selectors.count_members(unit=unit, on=day).members
            if unit.kind in MEMBER_HOLDING:
                continue
            parts = sum(
                selectors.count_members(unit=u, on=day).members
                for u in Unit.objects.filter(pk__in=children)
            )
            assert total == parts, (unit.code, day, "as-was")
        # Restated: today's structure, ended units under the unit carrying their history.
        for unit in everyone:
            restated_children = [u for u in everyone if u.path == f"{unit.path}{u.pk}/"]
            own = selectors.spans_on(day).filter(unit=unit).count()
            total = selectors.count_members(unit=unit, on=day, structure="current").members
            parts = sum(
                selectors.count_members(unit=u, on=day, structure="current").members
                for u in restated_children
            )
            assert total == own + parts, (unit.code, day, "current")
        everybody = selectors.spans_on(day).count()
        assert (
            selectors.count_members(unit=province, on=day, structure="current").members == everybody
        )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=3, max_size=14))
def test_parent_counts_equal_the_sum_of_their_childrens(db, steps):
    Membership.objects.all().delete()
    Member.objects.all().delete()
    Unit.objects.all().update(parent=None, successor=None)
    Unit.versions.rel.related_model.objects.all().delete()
    Unit.objects.all().delete()
    Org()
    on, days = START, []
    for counter, (op, a, b, gap) in enumerate(steps):
        on = min(on + dt.timedelta(days=gap), dt.date.today())
        try:
            apply(op, a, b, on, counter)
        except (ValidationError, Skip):
            pass  # a refused step must change nothing, which the sums below also check
        days.append(on)
    check_sums(sorted(set(days))[-4:] + [on - dt.timedelta(days=1)])
