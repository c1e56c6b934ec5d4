"""Reorganisations: the only writers of units and their versions.

Every operation takes an effective date, runs in one transaction, validates the structure
it leaves behind, records an OrgEvent (who, why) and an audit entry per unit it touched,
and restates the units' current fields.
"""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.core.text import name_key, nfc
from congdoan.org import errors, hooks, rules
from congdoan.org.current import refresh_current_structure
from congdoan.org.models import OrgEvent, Unit, UnitVersion

# Callers outside org check a date the way the services will (e.g. forms, before a preview).
check_effective_date = rules.check_effective_date
__all__ = ["refresh_current_structure", "check_effective_date"]


def _state(version: UnitVersion | None) -> dict | None:
    if version is None:
        return None
    return {
        "name": version.name,
        "kind": version.kind,
        "parent": version.parent.code if version.parent_id else None,
        "valid_from": version.valid_from.isoformat(),
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
    }


def _new_event(*, kind: str, on: dt.date, actor, reason: str, summary: str) -> OrgEvent:
    return OrgEvent.objects.create(
        kind=kind,
        effective_on=on,
        reason=nfc(reason),
        actor=actor if getattr(actor, "pk", None) else None,
        summary=summary[:500],
    )


def _apply_change(
    *,
    unit: Unit,
    on: dt.date,
    event: OrgEvent,
    actor,
    reason: str,
    name: str | None = None,
    kind: str | None = None,
    parent: Unit | None | type[...] = ...,
) -> UnitVersion:
    """Close the unit's last version at `on` and open one with the given changes.

    A change effective on the day the last version began corrects that version instead,
    so several steps of one reorganisation can share a date.
    """
    latest = rules.version_for_change(unit, on)
    new_name = nfc(name) if name is not None else latest.name
    new_kind = kind or latest.kind
    new_parent = latest.parent if parent is ... else parent
    if new_parent != latest.parent or new_kind != latest.kind:
        rules.check_parent(unit=unit, kind=new_kind, parent=new_parent, on=on, label=str(unit))
    if new_kind != latest.kind:
        rules.check_children_accept(unit=unit, kind=new_kind, on=on)
        hooks.kind_changing(unit=unit, on=on, kind=new_kind)
    if new_parent != latest.parent or name_key(new_name) != latest.name_key:
        rules.check_name_free(unit=unit, name=new_name, parent=new_parent, on=on)
    before = _state(latest)
    if on == latest.valid_from:
        version = latest
    else:
        latest.valid_to = on
        latest.save(update_fields=["valid_to"])
        version = UnitVersion(unit=unit, valid_from=on)
    version.name, version.name_key = new_name, name_key(new_name)
    version.kind, version.parent, version.event = new_kind, new_parent, event
    version.full_clean(exclude=["unit", "parent", "event"])
    version.save()
    event.units.add(unit)
    audit.record(
        actor=actor,
        obj=unit,
        action=audit.AuditEntry.Action.UPDATE,
        before=before,
        after=_state(version),
        operation=event.kind,
        reason=event.reason,
    )
    return version


def _end(*, unit: Unit, on: dt.date, event: OrgEvent, actor, successor: Unit | None) -> None:
    latest = rules.version_for_change(unit, on)
    before = _state(latest)
    hooks.unit_ending(unit=unit, on=on, successor=successor, event=event, actor=actor)
    if on == latest.valid_from:
        # Ended the day its last version began: that version never took effect.
        previous = unit.versions.filter(valid_to=on).first()
        if previous is None:
            rules.fail(errors.END_SAME_DAY, "end_same_day", unit=unit, date=format_date(on))
        latest.delete()
        after = _state(previous)
    else:
        latest.valid_to = on
        latest.save(update_fields=["valid_to"])
        after = _state(latest)
    Unit.objects.filter(pk=unit.pk).update(successor=successor, ends_on=on, is_active=False)
    event.units.add(unit)
    audit.record(
        actor=actor,
        obj=unit,
        action=audit.AuditEntry.Action.UPDATE,
        before=before,
        after=after,
        operation=event.kind,
        reason=event.reason,
    )


def _active_children(unit: Unit, on: dt.date) -> list[Unit]:
    return [version.unit for version in rules.child_versions(unit, on)]


# --- public operations -------------------------------------------------------------------


def _create(
    *, code: str, name: str, kind: str, parent: Unit | None, on: dt.date, event: OrgEvent, actor
) -> Unit:
    code, kind, name = rules.clean_code(code), rules.clean_kind(kind), nfc(name)
    if not name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    rules.check_parent(unit=None, kind=kind, parent=parent, on=on, label=code)
    rules.check_name_free(unit=None, name=name, parent=parent, on=on)
    unit = Unit.objects.create(
        code=code, name=name, kind=kind, parent=parent, path="", starts_on=on
    )
    version = UnitVersion.objects.create(
        unit=unit,
        name=name,
        name_key=name_key(name),
        kind=kind,
        parent=parent,
        valid_from=on,
        event=event,
    )
    event.units.add(unit)
    audit.record(
        actor=actor,
        obj=unit,
        action=audit.AuditEntry.Action.CREATE,
        after=_state(version),
        operation=event.kind,
        reason=event.reason,
    )
    return unit


@transaction.atomic
def create_unit(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    on: dt.date,
    reason: str = "",
    refresh: bool = True,
) -> Unit:
    """Found a unit effective `on` under `parent` (None for the top of a tree)."""
    check_effective_date(on)
    event = _new_event(
        kind=OrgEvent.Kind.CREATE, on=on, actor=actor, reason=reason, summary=f"{code} {name}"
    )
    unit = _create(code=code, name=name, kind=kind, parent=parent, on=on, event=event, actor=actor)
    if refresh:
        refresh_current_structure()
        unit.refresh_from_db()
    return unit


def _change_one(
    *,
    actor,
    unit: Unit,
    on: dt.date,
    reason: str,
    refresh: bool,
    operation: str,
    summary: str,
    **changes,
) -> Unit:
    """One event changing one unit's name, kind or parent (see _apply_change)."""
    event = _new_event(kind=operation, on=on, actor=actor, reason=reason, summary=summary)
    if parent := changes.get("parent"):
        event.units.add(parent)
    _apply_change(unit=unit, on=on, event=event, actor=actor, reason=reason, **changes)
    if refresh:
        refresh_current_structure()
    unit.refresh_from_db()
    return unit


@transaction.atomic
def rename_unit(
    *, actor, unit: Unit, name: str, on: dt.date, reason: str = "", refresh: bool = True
) -> Unit:
    """Give the unit a new name from `on`; its code and history stay."""
    check_effective_date(on)
    name = nfc(name)
    if not name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    if rules.version_for_change(unit, on).name == name:
        rules.fail(errors.NOTHING_CHANGES, "nothing_changes", unit=unit)
    return _change_one(
        actor=actor,
        unit=unit,
        on=on,
        reason=reason,
        refresh=refresh,
        operation=OrgEvent.Kind.RENAME,
        summary=f"{unit.code} → {name}",
        name=name,
    )


@transaction.atomic
def move_unit(
    *, actor, unit: Unit, parent: Unit, on: dt.date, reason: str = "", refresh: bool = True
) -> Unit:
    """Place the unit under another parent from `on`, with everything under it."""
    check_effective_date(on)
    if rules.version_for_change(unit, on).parent_id == parent.pk:
        rules.fail(errors.NOTHING_CHANGES, "nothing_changes", unit=unit)
    if unit.pk == parent.pk:
        rules.fail(errors.CYCLE, "cycle", unit=unit, parent=parent)
    return _change_one(
        actor=actor,
        unit=unit,
        on=on,
        reason=reason,
        refresh=refresh,
        operation=OrgEvent.Kind.MOVE,
        summary=f"{unit.code} → {parent.code}",
        parent=parent,
    )


@transaction.atomic
def change_unit_kind(
    *, actor, unit: Unit, kind: str, on: dt.date, reason: str = "", refresh: bool = True
) -> Unit:
    """Reclassify the unit from `on` (e.g. a district federation becoming a commune union)."""
    check_effective_date(on)
    kind = rules.clean_kind(kind)
    if rules.version_for_change(unit, on).kind == kind:
        rules.fail(errors.NOTHING_CHANGES, "nothing_changes", unit=unit)
    return _change_one(
        actor=actor,
        unit=unit,
        on=on,
        reason=reason,
        refresh=refresh,
        operation=OrgEvent.Kind.CHANGE_KIND,
        summary=f"{unit.code} → {kind}",
        kind=kind,
    )


@transaction.atomic
def merge_units(
    *, actor, sources: Sequence[Unit], into: Unit, on: dt.date, reason: str = ""
) -> OrgEvent:
    """Merge several units into `into` from `on`.

    The sources end the day before `on`; the units under them move under `into`, and
    `into` carries their history on when figures are restated to today's structure.
    """
    check_effective_date(on)
    if not sources:
        rules.fail(errors.MERGE_NEEDS_SOURCES, "merge_needs_sources")
    codes = [u.code for u in sources]
    for code in codes:
        if codes.count(code) > 1:
            rules.fail(errors.DUPLICATE_IN_REQUEST, "duplicate", code=code)
    rules.version_for_change(into, on)
    target_chain, current = set(), into.pk
    while current is not None and current not in target_chain:
        target_chain.add(current)
        current = rules.parent_on(current, on)
    for source in sources:
        if source.pk == into.pk:
            rules.fail(errors.MERGE_INTO_ITSELF, "merge_into_itself", unit=source)
        if source.pk in target_chain:
            rules.fail(
                errors.MERGE_INTO_DESCENDANT, "merge_into_descendant", unit=source, target=into
            )
        rules.version_for_change(source, on)
    event = _new_event(
        kind=OrgEvent.Kind.MERGE,
        on=on,
        actor=actor,
        reason=reason,
        summary=f"{', '.join(codes)} → {into.code}",
    )
    event.units.add(into)
    for source in sources:
        for child in _active_children(source, on):
            _apply_change(unit=child, on=on, event=event, actor=actor, reason=reason, parent=into)
        _end(unit=source, on=on, event=event, actor=actor, successor=into)
    refresh_current_structure()
    return event


@transaction.atomic
def split_unit(
    *,
    actor,
    unit: Unit,
    parts: Sequence[tuple[str, str]],
    on: dt.date,
    assignments: dict[str, str] | None = None,
    reason: str = "",
) -> list[Unit]:
    """Split the unit into `parts` (code, name) from `on`, beside it under the same parent.

    If one part keeps the unit's own code the unit goes on (renamed if the name differs);
    otherwise it ends and the first part carries its history on. `assignments` maps the
    code of each unit under it to the code of the part that takes it; unassigned units go
    to the first part.
    """
    check_effective_date(on)
    if len(parts) < 2:
        rules.fail(errors.SPLIT_NEEDS_PARTS, "split_needs_parts")
    part_codes = [nfc(code).upper() for code, _name in parts]
    for code in part_codes:
        if part_codes.count(code) > 1:
            rules.fail(errors.DUPLICATE_IN_REQUEST, "duplicate", code=code)
    latest = rules.version_for_change(unit, on)
    children = {child.code: child for child in _active_children(unit, on)}
    assignments = {nfc(k).upper(): nfc(v).upper() for k, v in (assignments or {}).items()}
    for child_code, part_code in assignments.items():
        if child_code not in children:
            rules.fail(
                errors.SPLIT_NOT_A_CHILD,
                "not_a_child",
                child=child_code,
                unit=unit,
                date=format_date(on),
            )
        if part_code not in part_codes:
            rules.fail(errors.SPLIT_UNKNOWN_PART, "unknown_part", child=child_code, part=part_code)
    event = _new_event(
        kind=OrgEvent.Kind.SPLIT,
        on=on,
        actor=actor,
        reason=reason,
        summary=f"{unit.code} → {', '.join(part_codes)}",
    )
    # The split belongs to the unit's history even when it keeps its code and name.
    event.units.add(unit)
    keeps_unit = unit.code in part_codes
    result: dict[str, Unit] = {}
    for code, (_raw, name) in zip(part_codes, parts, strict=True):
        if code == unit.code:
            if nfc(name) and nfc(name) != latest.name:
                _apply_change(unit=unit, on=on, event=event, actor=actor, reason=reason, name=name)
            result[code] = unit
        else:
            result[code] = _create(
                code=code,
                name=name,
                kind=latest.kind,
                parent=latest.parent,
                on=on,
                event=event,
                actor=actor,
            )
    first = result[part_codes[0]]
    for child_code, child in children.items():
        target = result[assignments.get(child_code, part_codes[0])]
        if target.pk != unit.pk:
            _apply_change(unit=child, on=on, event=event, actor=actor, reason=reason, parent=target)
    if not keeps_unit:
        _end(unit=unit, on=on, event=event, actor=actor, successor=first)
    refresh_current_structure()
    return [result[code] for code in part_codes]


@transaction.atomic
def dissolve_unit(
    *, actor, unit: Unit, on: dt.date, reason: str = "", refresh: bool = True
) -> Unit:
    """End the unit from `on` (its last day is the day before). Units under it must be gone."""
    check_effective_date(on)
    rules.version_for_change(unit, on)
    rules.check_children_gone(unit=unit, on=on)
    event = _new_event(
        kind=OrgEvent.Kind.DISSOLVE, on=on, actor=actor, reason=reason, summary=unit.code
    )
    _end(unit=unit, on=on, event=event, actor=actor, successor=None)
    if refresh:
        refresh_current_structure()
    unit.refresh_from_db()
    return unit
