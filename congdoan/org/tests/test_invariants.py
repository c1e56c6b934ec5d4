"""Random reorganisation histories never leave the hierarchy in a state the rules forbid."""

import datetime as dt

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congdoan.core.text import name_key
from congdoan.org import services
from congdoan.org.forest import forest_as_of
from congdoan.org.kinds import may_be_child
from congdoan.org.models import Unit, UnitVersion
from congdoan.testing import Org

START = dt.date(2020, 1, 1)

operation = st.tuples(
    st.sampled_from(["create", "rename", "move", "merge", "split", "dissolve"]),
    st.integers(0, 40),  # which unit
    st.integers(0, 40),  # which other unit
    st.integers(0, 9),  # which of a few names
    st.integers(0, 400),  # days after the previous operation
)


def apply(op, units, on, counter):
    kind, a, b, name_no, _days = op
    unit, other = units[a % len(units)], units[b % len(units)]
    name = f"Đơn vị {name_no}"
    if kind == "create":
        services.create_unit(
            actor=None, code=f"N{counter}", name=name, kind=unit.kind, parent=other, on=on
        )
    elif kind == "rename":
        services.rename_unit(actor=None, unit=unit, name=name, on=on)
    elif kind == "move":
        services.move_unit(actor=None, unit=unit, parent=other, on=on)
    elif kind == "merge":
        services.merge_units(actor=None, sources=[unit], into=other, on=on)
    elif kind == "split":
        services.split_unit(
            actor=None,
            unit=unit,
            parts=[(f"S{counter}a", name), (f"S{counter}b", name + "b")],
            on=on,
        )
    else:
        services.dissolve_unit(actor=None, unit=unit, on=on)


def check_invariants():
    versions = list(UnitVersion.objects.order_by("unit_id", "valid_from"))
    by_unit: dict[int, list[UnitVersion]] = {}
    for v in versions:
        by_unit.setdefault(v.unit_id, []).append(v)
    for rows in by_unit.values():
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier.valid_to == later.valid_from  # contiguous, never overlapping
    change_days = sorted({v.valid_from for v in versions})
    for day in change_days:
        forest = forest_as_of(day, cached=False)
        names = set()
        for node in forest.nodes.values():
            parent = forest.nodes.get(node.parent_id) if node.parent_id else None
            assert node.parent_id is None or parent is not None, "parent exists while child does"
            assert may_be_child(child_kind=node.kind, parent_kind=parent.kind if parent else None)
            key = (node.parent_id, name_key(node.name))
            assert key not in names, "siblings share a name"
            names.add(key)
            assert node.id not in {a.id for a in forest.ancestors(node.id)}
    today_forest = forest_as_of(dt.date.today(), cached=False)
    for unit in Unit.objects.all():
        if unit.pk in today_forest:
            chain = [unit.pk, *(n.id for n in today_forest.ancestors(unit.pk))]
            assert unit.path == "/" + "/".join(str(i) for i in reversed(chain)) + "/"
            assert unit.is_active
        else:
            assert not unit.is_active and unit.ends_on is not None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operation, min_size=1, max_size=12))
def test_random_histories_keep_the_rules(db, ops):
    Unit.objects.all().update(parent=None, successor=None)
    UnitVersion.objects.all().delete()
    Unit.objects.all().delete()
    Org()
    on = START
    for counter, op in enumerate(ops):
        on = min(on + dt.timedelta(days=op[4]), dt.date.today())
        units = list(Unit.objects.order_by("code"))
        try:
            apply(op, units, on, counter)
        except ValidationError:
            pass  # refused operations must leave everything as it was
        check_invariants()
