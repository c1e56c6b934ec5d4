"""Reorganisations: the only writers of units and their versions.

Every operation takes an effective date, runs in one transaction, validates the structure
it leaves behind, records an OrgEvent (who, why) and an audit entry per unit it touched,
and restates the units' current fields.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from congdoan.core import audit
from congdoan.core.dates import format_date, history_start, today
from congdoan.core.text import name_key, nfc, search_key
from congdoan.org import errors
from congdoan.org.kinds import UnitKind, may_be_child
from congdoan.org.models import OrgEvent, Unit, UnitVersion

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_KIND_LABELS = dict(UnitKind.choices)


def _fail(message, code: str, /, **params) -> None:
    raise ValidationError(message, code=code, params=params)


def _kind_label(kind: str) -> str:
    return str(_KIND_LABELS.get(kind, kind))


def check_effective_date(on: dt.date | None) -> dt.date:
    if on is None:
        _fail(errors.DATE_REQUIRED, "date_required")
    if on > today():
        _fail(errors.DATE_IN_FUTURE, "date_in_future", date=format_date(on))
    if on < history_start():
        _fail(
            errors.DATE_BEFORE_HISTORY,
            "date_before_history",
            date=format_date(on),
            start=format_date(history_start()),
        )
    return on


def _latest_version(unit: Unit) -> UnitVersion | None:
    return UnitVersion.objects.select_for_update().filter(unit=unit).order_by("-valid_from").first()


def _version_for_change(unit: Unit, on: dt.date) -> UnitVersion:
    """The unit's last version, which a change effective `on` will close or correct."""
    latest = _latest_version(unit)
    if latest is None or (latest.valid_to is not None and on >= latest.valid_to):
        _fail(errors.NOT_ACTIVE, "not_active", unit=unit, date=format_date(on))
    last_change = latest.valid_to or latest.valid_from
    if on < latest.valid_from or latest.valid_to is not None:
        # History is appended in order; an ended unit takes no more changes.
        _fail(
            errors.DATE_BEFORE_LAST_CHANGE,
            "date_before_last_change",
            unit=unit,
            last=format_date(last_change),
        )
    return latest


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


def _check_parent(
    *, unit: Unit | None, kind: str, parent: Unit | None, on: dt.date, label: str
) -> None:
    if parent is None:
        if not may_be_child(child_kind=kind, parent_kind=None):
            _fail(errors.KIND_NEEDS_PARENT, "kind_needs_parent", kind=_kind_label(kind))
        return
    parent_versions = list(parent.versions.order_by("valid_from"))
    current = next(
        (
            v
            for v in parent_versions
            if v.valid_from <= on and (v.valid_to is None or v.valid_to > on)
        ),
        None,
    )
    if current is None:
        _fail(errors.PARENT_NOT_ACTIVE, "parent_not_active", parent=parent, date=format_date(on))
    last = parent_versions[-1]
    if last.valid_to is not None:
        _fail(errors.PARENT_ENDS, "parent_ends", parent=parent, end=format_date(last.valid_to))
    if not may_be_child(child_kind=kind, parent_kind=current.kind):
        _fail(
            errors.KIND_NOT_ALLOWED,
            "kind_not_allowed",
            child_kind=_kind_label(kind),
            parent_kind=_kind_label(current.kind),
            parent=parent,
        )
    if unit is not None:
        _check_no_cycle(unit=unit, parent=parent, on=on)


def _parent_on(unit_id: int, day: dt.date) -> int | None:
    return (
        UnitVersion.objects.filter(unit_id=unit_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("parent_id", flat=True)
        .first()
    )


def _check_no_cycle(*, unit: Unit, parent: Unit, on: dt.date) -> None:
    # The parent's chain is walked on the effective date and on every later date the
    # structure changed, since the change stays in force across them. Walking a few levels
    # up costs a query a level, far less than drawing the whole tree.
    later = set(
        UnitVersion.objects.filter(valid_from__gt=on, parent__isnull=False).values_list(
            "valid_from", flat=True
        )
    )
    for day in [on, *sorted(later)]:
        current, seen = parent.pk, set()
        while current is not None and current not in seen:
            if current == unit.pk:
                _fail(errors.CYCLE, "cycle", unit=unit, parent=parent)
            seen.add(current)
            current = _parent_on(current, day)


def _check_name_free(*, unit: Unit | None, name: str, parent: Unit | None, on: dt.date) -> None:
    clash = (
        UnitVersion.objects.filter(parent=parent, name_key=name_key(name))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .exclude(unit=unit)
        .select_related("unit")
        .first()
    )
    if clash is not None:
        _fail(
            errors.NAME_TAKEN,
            "name_taken",
            parent=parent or "—",
            name=name,
            other=clash.unit.code,
        )


def _child_versions(unit: Unit, on: dt.date):
    """The versions in force on `on` of the units directly under `unit`."""
    return (
        UnitVersion.objects.filter(parent=unit, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("unit")
        .order_by("unit__code")
    )


def _check_children_accept(*, unit: Unit, kind: str, on: dt.date) -> None:
    for child in _child_versions(unit, on):
        if not may_be_child(child_kind=child.kind, parent_kind=kind):
            _fail(
                errors.CHILD_KIND_CONFLICT,
                "child_kind_conflict",
                child=f"{child.name} ({child.unit.code})",
                child_kind=_kind_label(child.kind),
                kind=_kind_label(kind),
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
    latest = _version_for_change(unit, on)
    new_name = nfc(name) if name is not None else latest.name
    new_kind = kind or latest.kind
    new_parent = latest.parent if parent is ... else parent
    if new_parent != latest.parent or new_kind != latest.kind:
        _check_parent(unit=unit, kind=new_kind, parent=new_parent, on=on, label=str(unit))
    if new_kind != latest.kind:
        _check_children_accept(unit=unit, kind=new_kind, on=on)
    if new_parent != latest.parent or name_key(new_name) != latest.name_key:
        _check_name_free(unit=unit, name=new_name, parent=new_parent, on=on)
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
    latest = _version_for_change(unit, on)
    before = _state(latest)
    if on == latest.valid_from:
        # Ended the day its last version began: that version never took effect.
        previous = unit.versions.filter(valid_to=on).first()
        if previous is None:
            _fail(errors.END_SAME_DAY, "end_same_day", unit=unit, date=format_date(on))
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


def _check_children_gone(*, unit: Unit, on: dt.date) -> None:
    count = (
        UnitVersion.objects.filter(parent=unit)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values("unit")
        .distinct()
        .count()
    )
    if count:
        _fail(
            errors.DISSOLVE_HAS_CHILDREN,
            "has_children",
            unit=unit,
            count=count,
            date=format_date(on),
        )


def _active_children(unit: Unit, on: dt.date) -> list[Unit]:
    return [version.unit for version in _child_versions(unit, on)]


# --- public operations -------------------------------------------------------------------


def _clean_code(code: str) -> str:
    code = nfc(code).upper()
    if not code:
        _fail(errors.CODE_REQUIRED, "code_required")
    if not _CODE.match(code):
        _fail(errors.CODE_INVALID, "code_invalid", code=code)
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        _fail(errors.CODE_TAKEN, "code_taken", code=code, unit=existing.name)
    return code


def _clean_kind(kind: str) -> str:
    if kind not in _KIND_LABELS:
        _fail(errors.KIND_INVALID, "kind_invalid", kind=kind)
    return kind


def _create(
    *, code: str, name: str, kind: str, parent: Unit | None, on: dt.date, event: OrgEvent, actor
) -> Unit:
    code, kind, name = _clean_code(code), _clean_kind(kind), nfc(name)
    if not name:
        _fail(errors.NAME_REQUIRED, "name_required")
    _check_parent(unit=None, kind=kind, parent=parent, on=on, label=code)
    _check_name_free(unit=None, name=name, parent=parent, on=on)
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


@transaction.atomic
def rename_unit(
    *, actor, unit: Unit, name: str, on: dt.date, reason: str = "", refresh: bool = True
) -> Unit:
    """Give the unit a new name from `on`; its code and history stay."""
    check_effective_date(on)
    name = nfc(name)
    if not name:
        _fail(errors.NAME_REQUIRED, "name_required")
    if _version_for_change(unit, on).name == name:
        _fail(errors.NOTHING_CHANGES, "nothing_changes", unit=unit)
    event = _new_event(
        kind=OrgEvent.Kind.RENAME,
        on=on,
        actor=actor,
        reason=reason,
        summary=f"{unit.code} → {name}",
    )
    _apply_change(unit=unit, on=on, event=event, actor=actor, reason=reason, name=name)
    if refresh:
        refresh_current_structure()
    unit.refresh_from_db()
    return unit


@transaction.atomic
def move_unit(
    *, actor, unit: Unit, parent: Unit, on: dt.date, reason: str = "", refresh: bool = True
) -> Unit:
    """Place the unit under another parent from `on`, with everything under it."""
    check_effective_date(on)
    if _version_for_change(unit, on).parent_id == parent.pk:
        _fail(errors.NOTHING_CHANGES, "nothing_changes", unit=unit)
    if unit.pk == parent.pk:
        _fail(errors.CYCLE, "cycle", unit=unit, parent=parent)
    event = _new_event(
        kind=OrgEvent.Kind.MOVE,
        on=on,
        actor=actor,
        reason=reason,
        summary=f"{unit.code} → {parent.code}",
    )
    event.units.add(parent)
    _apply_change(unit=unit, on=on, event=event, actor=actor, reason=reason, parent=parent)
    if refresh:
        refresh_current_structure()
    unit.refresh_from_db()
    return unit


@transaction.atomic
def change_unit_kind(
    *, actor, unit: Unit, kind: str, on: dt.date, reason: str = "", refresh: bool = True
) -> Unit:
    """Reclassify the unit from `on` (e.g. a district federation becoming a commune union)."""
    check_effective_date(on)
    kind = _clean_kind(kind)
    if _version_for_change(unit, on).kind == kind:
        _fail(errors.NOTHING_CHANGES, "nothing_changes", unit=unit)
    event = _new_event(
        kind=OrgEvent.Kind.CHANGE_KIND,
        on=on,
        actor=actor,
        reason=reason,
        summary=f"{unit.code} → {kind}",
    )
    _apply_change(unit=unit, on=on, event=event, actor=actor, reason=reason, kind=kind)
    if refresh:
        refresh_current_structure()
    unit.refresh_from_db()
    return unit


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
        _fail(errors.MERGE_NEEDS_SOURCES, "merge_needs_sources")
    codes = [u.code for u in sources]
    for code in codes:
        if codes.count(code) > 1:
            _fail(errors.DUPLICATE_IN_REQUEST, "duplicate", code=code)
    _version_for_change(into, on)
    target_chain, current = set(), into.pk
    while current is not None and current not in target_chain:
        target_chain.add(current)
        current = _parent_on(current, on)
    for source in sources:
        if source.pk == into.pk:
            _fail(errors.MERGE_INTO_ITSELF, "merge_into_itself", unit=source)
        if source.pk in target_chain:
            _fail(errors.MERGE_INTO_DESCENDANT, "merge_into_descendant", unit=source, target=into)
        _version_for_change(source, on)
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
        _fail(errors.SPLIT_NEEDS_PARTS, "split_needs_parts")
    part_codes = [nfc(code).upper() for code, _name in parts]
    for code in part_codes:
        if part_codes.count(code) > 1:
            _fail(errors.DUPLICATE_IN_REQUEST, "duplicate", code=code)
    latest = _version_for_change(unit, on)
    children = {child.code: child for child in _active_children(unit, on)}
    assignments = {nfc(k).upper(): nfc(v).upper() for k, v in (assignments or {}).items()}
    for child_code, part_code in assignments.items():
        if child_code not in children:
            _fail(
                errors.SPLIT_NOT_A_CHILD,
                "not_a_child",
                child=child_code,
                unit=unit,
                date=format_date(on),
            )
        if part_code not in part_codes:
            _fail(errors.SPLIT_UNKNOWN_PART, "unknown_part", child=child_code, part=part_code)
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
    _version_for_change(unit, on)
    _check_children_gone(unit=unit, on=on)
    event = _new_event(
        kind=OrgEvent.Kind.DISSOLVE, on=on, actor=actor, reason=reason, summary=unit.code
    )
    _end(unit=unit, on=on, event=event, actor=actor, successor=None)
    if refresh:
        refresh_current_structure()
    unit.refresh_from_db()
    return unit


def refresh_current_structure(units: Iterable[Unit] | None = None) -> int:
    """Restate every unit's current fields (name, kind, parent, path) from its versions.

    Returns how many units changed. Runs after each reorganisation; cheap when little moved.
    """
    on = today()
    versions: dict[int, list[tuple]] = {}
    for row in UnitVersion.objects.order_by("unit_id", "valid_from").values_list(
        "unit_id", "name", "kind", "parent_id", "valid_from", "valid_to"
    ):
        versions.setdefault(row[0], []).append(row)
    all_units = {u.pk: u for u in (units or Unit.objects.all())}
    state: dict[int, dict] = {}
    for unit_id, rows in versions.items():
        first, last = rows[0], rows[-1]
        active = last[5] is None or last[5] > on
        state[unit_id] = {
            "name": last[1],
            "kind": last[2],
            "parent_id": last[3],
            "starts_on": first[4],
            "ends_on": None if last[5] is None else last[5],
            "is_active": active and first[4] <= on,
        }
    successors = dict(Unit.objects.values_list("pk", "successor_id"))
    paths: dict[int, str] = {}

    def home_parent(unit_id: int) -> int | None:
        s = state[unit_id]
        if not s["is_active"] and successors.get(unit_id):
            return successors[unit_id]
        return s["parent_id"]

    def path_of(unit_id: int, seen: frozenset = frozenset()) -> str:
        if unit_id in paths:
            return paths[unit_id]
        parent_id = home_parent(unit_id)
        prefix = "/"
        if parent_id is not None and parent_id in state and parent_id not in seen:
            prefix = path_of(parent_id, seen | {unit_id})
        paths[unit_id] = f"{prefix}{unit_id}/"
        return paths[unit_id]

    changed = []
    fields = [
        "name", "kind", "parent_id", "starts_on", "ends_on", "is_active", "path", "depth",
        "search_key",
    ]
    for unit_id, unit in all_units.items():
        if unit_id not in state:
            continue
        wanted = dict(state[unit_id], path=path_of(unit_id))
        wanted["search_key"] = search_key(f"{unit.code} {wanted['name']}")
        wanted["depth"] = wanted["path"].count("/") - 2
        if any(getattr(unit, f) != wanted[f] for f in fields):
            for f in fields:
                setattr(unit, f, wanted[f])
            changed.append(unit)
    Unit.objects.bulk_update(changed, fields, batch_size=2000)
    return len(changed)
