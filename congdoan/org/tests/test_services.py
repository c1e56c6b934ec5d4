import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from congdoan.core.models import AuditEntry
from congdoan.org import selectors, services
from congdoan.org.kinds import UnitKind
from congdoan.org.models import OrgEvent, Unit, UnitVersion
from congdoan.testing import make_unit

REFORM = dt.date(2025, 7, 1)
DAY_BEFORE = dt.date(2025, 6, 30)


def codes(nodes):
    return sorted(n.code for n in nodes)


def error_code(excinfo) -> str:
    return excinfo.value.error_list[0].code


def snapshot_counts():
    return (
        Unit.objects.count(),
        UnitVersion.objects.count(),
        OrgEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def test_create_records_version_event_and_audit(org):
    unit = services.create_unit(
        actor=None,
        code="da-3",
        name="  CĐCS  A3 ",
        kind=UnitKind.GRASSROOTS,
        parent=org.district_a,
        on=dt.date(2020, 1, 1),
        reason="thành lập",
    )
    assert unit.code == "DA-3" and unit.name == "CĐCS A3"
    assert unit.path == f"{org.district_a.path}{unit.pk}/"
    event = unit.events.get()
    assert event.kind == OrgEvent.Kind.CREATE and event.reason == "thành lập"
    entry = AuditEntry.objects.get(object_id=str(unit.pk))
    assert entry.after["parent"] == "DA" and entry.before is None


def test_rename_keeps_old_name_in_history(org):
    services.rename_unit(
        actor=None, unit=org.grassroots_a1, name="CĐCS Mới", on=dt.date(2022, 5, 1)
    )
    assert selectors.tree_as_of(dt.date(2022, 4, 30)).nodes[org.grassroots_a1.pk].name == "CĐCS A1"
    assert selectors.tree_as_of(dt.date(2022, 5, 1)).nodes[org.grassroots_a1.pk].name == "CĐCS Mới"
    org.grassroots_a1.refresh_from_db()
    assert org.grassroots_a1.name == "CĐCS Mới"
    assert [v.name for v in selectors.unit_versions(org.grassroots_a1)] == ["CĐCS A1", "CĐCS Mới"]


def test_move_changes_ancestors_from_the_effective_date(org):
    services.move_unit(
        actor=None, unit=org.grassroots_a1, parent=org.district_b, on=dt.date(2023, 1, 1)
    )
    old = selectors.ancestors_as_of(org.grassroots_a1, dt.date(2022, 12, 31))
    new = selectors.ancestors_as_of(org.grassroots_a1, dt.date(2023, 1, 1))
    assert [n.code for n in old] == ["DA", "P"]
    assert [n.code for n in new] == ["DB", "P"]
    assert codes(selectors.subtree_as_of(org.district_a, dt.date(2023, 1, 1))) == ["DA", "DA-2"]


def test_tree_before_and_after_a_merge_differ(org):
    services.merge_units(actor=None, sources=[org.district_b], into=org.district_a, on=REFORM)
    before, after = selectors.tree_as_of(DAY_BEFORE), selectors.tree_as_of(REFORM)
    assert codes(before.children_of(org.province.pk)) == ["DA", "DB"]
    assert codes(after.children_of(org.province.pk)) == ["DA"]
    assert codes(after.children_of(org.district_a.pk)) == ["DA-1", "DA-2", "DB-1", "DB-2"]
    assert codes(before.children_of(org.district_b.pk)) == ["DB-1", "DB-2"]
    org.refresh()
    assert not org.district_b.is_active and org.district_b.successor == org.district_a
    assert org.district_b.ends_on == REFORM


def test_restated_subtree_follows_successors(org):
    services.merge_units(actor=None, sources=[org.district_b], into=org.district_a, on=REFORM)
    org.refresh()
    restated = set(selectors.current_subtree(org.district_a).values_list("code", flat=True))
    assert restated == {"DA", "DA-1", "DA-2", "DB", "DB-1", "DB-2"}
    # As it was, district B's subtree before the merge is still its own.
    assert codes(selectors.subtree_as_of(org.district_b, DAY_BEFORE)) == ["DB", "DB-1", "DB-2"]


def test_split_moves_assigned_children_and_ends_the_source(org):
    parts = services.split_unit(
        actor=None,
        unit=org.district_a,
        parts=[("DA-N", "LĐLĐ A Bắc"), ("DA-S", "LĐLĐ A Nam")],
        on=REFORM,
        assignments={"DA-2": "DA-S"},
    )
    north, south = parts
    forest = selectors.tree_as_of(REFORM)
    assert codes(forest.children_of(north.pk)) == ["DA-1"]
    assert codes(forest.children_of(south.pk)) == ["DA-2"]
    assert org.district_a.pk not in forest
    org.refresh()
    assert org.district_a.successor == north and not org.district_a.is_active


def test_split_keeping_the_source_code_spins_off_a_part(org):
    services.split_unit(
        actor=None,
        unit=org.district_a,
        parts=[("DA", ""), ("DA-X", "LĐLĐ A mới")],
        on=REFORM,
        assignments={"DA-2": "DA-X"},
    )
    forest = selectors.tree_as_of(REFORM)
    assert codes(forest.children_of(org.district_a.pk)) == ["DA-1"]
    assert org.district_a.pk in forest


def test_dissolve_refuses_while_units_remain_under_it(org):
    before = snapshot_counts()
    with pytest.raises(ValidationError) as excinfo:
        services.dissolve_unit(actor=None, unit=org.district_a, on=REFORM)
    assert error_code(excinfo) == "has_children"
    assert snapshot_counts() == before


def test_dissolve_ends_a_unit_the_day_before(org):
    services.dissolve_unit(actor=None, unit=org.grassroots_a1, on=REFORM, reason="DN phá sản")
    assert org.grassroots_a1.pk in selectors.tree_as_of(DAY_BEFORE)
    assert org.grassroots_a1.pk not in selectors.tree_as_of(REFORM)
    org.refresh()
    assert org.grassroots_a1.ends_on == REFORM and not org.grassroots_a1.is_active
    # Dissolved without successor: its history stays under its last parent.
    assert org.grassroots_a1.path.startswith(org.district_a.path)


def test_moving_under_own_descendant_is_a_cycle(org):
    with pytest.raises(ValidationError) as excinfo:
        services.move_unit(actor=None, unit=org.province, parent=org.district_a, on=REFORM)
    # A province under a district is refused by kind before the cycle check, so use a
    # department chain where kinds allow it.
    assert error_code(excinfo) in {"kind_not_allowed", "cycle"}
    dept = make_unit(kind=UnitKind.DEPARTMENT, parent=org.grassroots_a1)
    group = make_unit(kind=UnitKind.GROUP, parent=dept)
    sub_dept = make_unit(kind=UnitKind.DEPARTMENT, parent=org.grassroots_a1)
    services.move_unit(actor=None, unit=group, parent=sub_dept, on=REFORM)
    with pytest.raises(ValidationError) as excinfo:
        services.move_unit(actor=None, unit=dept, parent=dept, on=REFORM)
    assert error_code(excinfo) == "cycle"


def test_kind_rules_alone_rule_out_cycles():
    # Every parent kind sits strictly above its child kinds, so no chain of allowed
    # placements can lead a unit back under itself.
    from congdoan.org.kinds import ALLOWED_PARENTS

    def reaches(kind, target, seen=()):
        return any(
            parent == target or (parent not in seen and reaches(parent, target, (*seen, parent)))
            for parent in ALLOWED_PARENTS[kind]
        )

    assert not [kind for kind in ALLOWED_PARENTS if reaches(kind, kind)]


def test_grassroots_cannot_hold_grassroots(org):
    before = snapshot_counts()
    with pytest.raises(ValidationError) as excinfo:
        make_unit(kind=UnitKind.GRASSROOTS, parent=org.grassroots_a1)
    assert error_code(excinfo) == "kind_not_allowed"
    with pytest.raises(ValidationError):
        services.move_unit(actor=None, unit=org.grassroots_b1, parent=org.grassroots_a1, on=REFORM)
    assert snapshot_counts() == before


def test_two_children_of_one_parent_cannot_share_a_name_at_one_time(org):
    with pytest.raises(ValidationError) as excinfo:
        make_unit(name="cđcs a1", parent=org.district_a)
    assert error_code(excinfo) == "name_taken"
    # Another parent, or after the first one has been renamed, the name is free.
    make_unit(name="CĐCS A1", parent=org.district_b)
    services.rename_unit(actor=None, unit=org.grassroots_a1, name="CĐCS Khác", on=REFORM)
    make_unit(name="CĐCS A1", parent=org.district_a, on=REFORM)
    with pytest.raises(ValidationError):
        make_unit(name="CĐCS A1 ", parent=org.district_a, on=DAY_BEFORE)


def test_merging_brings_clashing_names_together_is_refused(org):
    services.rename_unit(actor=None, unit=org.grassroots_b1, name="CĐCS A1", on=dt.date(2020, 1, 1))
    before = snapshot_counts()
    with pytest.raises(ValidationError) as excinfo:
        services.merge_units(actor=None, sources=[org.district_b], into=org.district_a, on=REFORM)
    assert error_code(excinfo) == "name_taken"
    assert snapshot_counts() == before


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (None, "date_required"),
        (dt.date.today() + dt.timedelta(days=2), "date_in_future"),
        (dt.date(1900, 1, 1), "date_before_history"),
        (dt.date(1999, 12, 31), "date_before_last_change"),
    ],
)
def test_dates_must_be_in_order(org, on, code):
    before = snapshot_counts()
    with pytest.raises(ValidationError) as excinfo:
        services.rename_unit(actor=None, unit=org.grassroots_a1, name="X", on=on)
    assert error_code(excinfo) == code
    assert snapshot_counts() == before


def test_ended_units_take_no_more_changes(org):
    services.dissolve_unit(actor=None, unit=org.grassroots_a1, on=REFORM)
    with pytest.raises(ValidationError) as excinfo:
        services.rename_unit(actor=None, unit=org.grassroots_a1, name="X", on=dt.date(2025, 8, 1))
    assert error_code(excinfo) == "not_active"
    with pytest.raises(ValidationError) as excinfo:
        services.move_unit(
            actor=None, unit=org.grassroots_b1, parent=org.grassroots_a1, on=DAY_BEFORE
        )
    assert error_code(excinfo) in {"kind_not_allowed", "parent_ends"}


def test_parent_that_ends_takes_no_new_children(org):
    services.merge_units(actor=None, sources=[org.district_b], into=org.district_a, on=REFORM)
    with pytest.raises(ValidationError) as excinfo:
        make_unit(parent=org.district_b, on=dt.date(2024, 1, 1))
    assert error_code(excinfo) == "parent_ends"


def test_several_steps_on_one_date_correct_each_other(org):
    commune = make_unit(
        code="XA", name="Công đoàn xã A", kind=UnitKind.COMMUNE, parent=org.province, on=REFORM
    )
    services.move_unit(actor=None, unit=org.grassroots_a1, parent=commune, on=REFORM)
    services.move_unit(actor=None, unit=org.grassroots_a2, parent=commune, on=REFORM)
    services.dissolve_unit(actor=None, unit=org.district_a, on=REFORM)
    # The second same-day move corrects the version opened by the first.
    services.move_unit(actor=None, unit=org.grassroots_a1, parent=org.district_b, on=REFORM)
    forest = selectors.tree_as_of(REFORM)
    assert codes(forest.children_of(commune.pk)) == ["DA-2"]
    assert org.grassroots_a1.versions.count() == 2


def test_a_failing_merge_changes_nothing(org):
    before = snapshot_counts()
    with pytest.raises(ValidationError):
        services.merge_units(
            actor=None, sources=[org.district_b, org.province], into=org.district_a, on=REFORM
        )
    with pytest.raises(ValidationError):
        services.merge_units(actor=None, sources=[org.district_a], into=org.district_a, on=REFORM)
    assert snapshot_counts() == before


def test_unknown_kind_and_bad_code_are_refused(org):
    with pytest.raises(ValidationError) as excinfo:
        make_unit(code="bad code!", parent=org.district_a)
    assert error_code(excinfo) == "code_invalid"
    with pytest.raises(ValidationError) as excinfo:
        make_unit(kind="planet", parent=org.district_a)
    assert error_code(excinfo) == "kind_invalid"
    with pytest.raises(ValidationError) as excinfo:
        make_unit(code="DA-1", parent=org.district_a)
    assert error_code(excinfo) == "code_taken"


@pytest.mark.django_db
def test_lineages_on_many_days_are_the_ancestors_of_each_days_tree():
    from congdoan.org.forest import forest_as_of
    from congdoan.testing import Org

    org = Org()
    moved_on, back_on = dt.date(2024, 3, 1), dt.date(2024, 9, 1)
    services.move_unit(actor=None, unit=org.grassroots_a1, parent=org.district_b, on=moved_on)
    services.move_unit(actor=None, unit=org.grassroots_a1, parent=org.district_a, on=back_on)
    days = [moved_on - dt.timedelta(1), moved_on, dt.date(2024, 6, 1), back_on]
    units = list(Unit.objects.values_list("pk", flat=True))
    pairs = [(unit, day) for unit in units for day in days]
    found = selectors.lineages_on(pairs)
    for unit, day in pairs:
        tree = forest_as_of(day)
        expected = {unit, *(node.id for node in tree.ancestors(unit))}
        assert found[(unit, day)] == expected, (unit, day)
    # Under district B between the two moves, under district A before and after.
    a1 = org.grassroots_a1.pk
    assert found[(a1, dt.date(2024, 6, 1))] == {a1, org.district_b.pk, org.province.pk}
    assert found[(a1, back_on)] == {a1, org.district_a.pk, org.province.pk}


@pytest.mark.django_db
def test_trees_of_dates_between_the_same_two_changes_are_built_once():
    from congdoan.org.forest import forest_as_of
    from congdoan.testing import Org

    org = Org()
    moved_on = dt.date(2024, 3, 1)
    services.move_unit(actor=None, unit=org.grassroots_a1, parent=org.district_b, on=moved_on)
    before, on_the_day, later = dt.date(2024, 2, 29), moved_on, dt.date(2024, 5, 1)
    assert forest_as_of(on_the_day).nodes is forest_as_of(later).nodes
    assert forest_as_of(later).as_of == later
    assert forest_as_of(before).nodes is not forest_as_of(on_the_day).nodes
    assert forest_as_of(before).nodes[org.grassroots_a1.pk].parent_id == org.district_a.pk
    assert forest_as_of(later).nodes[org.grassroots_a1.pk].parent_id == org.district_b.pk
    # A reorganisation recorded later is a new revision: the trees are read again.
    services.move_unit(
        actor=None, unit=org.grassroots_a1, parent=org.district_a, on=dt.date(2024, 4, 1)
    )
    assert forest_as_of(later).nodes[org.grassroots_a1.pk].parent_id == org.district_a.pk
    assert forest_as_of(on_the_day).nodes[org.grassroots_a1.pk].parent_id == org.district_b.pk
