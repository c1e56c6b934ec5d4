"""The rules a reorganisation must keep; each check raises a ValidationError with a code."""

import datetime as dt
import re

from django.db.models import Q

from congdoan.core.dates import format_date, history_start, today
from congdoan.core.errors import fail
from congdoan.core.text import name_key, nfc
from congdoan.org import errors
from congdoan.org.kinds import UnitKind, may_be_child
from congdoan.org.models import Unit, UnitVersion

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_KIND_LABELS = dict(UnitKind.choices)


def kind_label(kind: str) -> str:
    return str(_KIND_LABELS.get(kind, kind))


def check_effective_date(on: dt.date | None) -> dt.date:
    if on is None:
        fail(errors.DATE_REQUIRED, "date_required")
    if on > today():
        fail(errors.DATE_IN_FUTURE, "date_in_future", date=format_date(on))
    if on < history_start():
        fail(
            errors.DATE_BEFORE_HISTORY,
            "date_before_history",
            date=format_date(on),
            start=format_date(history_start()),
        )
    return on


def latest_version(unit: Unit) -> UnitVersion | None:
    return UnitVersion.objects.select_for_update().filter(unit=unit).order_by("-valid_from").first()


def version_for_change(unit: Unit, on: dt.date) -> UnitVersion:
    """The unit's last version, which a change effective `on` will close or correct."""
    latest = latest_version(unit)
    if latest is None or (latest.valid_to is not None and on >= latest.valid_to):
        fail(errors.NOT_ACTIVE, "not_active", unit=unit, date=format_date(on))
    last_change = latest.valid_to or latest.valid_from
    if on < latest.valid_from or latest.valid_to is not None:
        # History is appended in order; an ended unit takes no more changes.
        fail(
            errors.DATE_BEFORE_LAST_CHANGE,
            "date_before_last_change",
            unit=unit,
            last=format_date(last_change),
        )
    return latest


def check_parent(
    *, unit: Unit | None, kind: str, parent: Unit | None, on: dt.date, label: str
) -> None:
    if parent is None:
        if not may_be_child(child_kind=kind, parent_kind=None):
            fail(errors.KIND_NEEDS_PARENT, "kind_needs_parent", kind=kind_label(kind))
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
        fail(errors.PARENT_NOT_ACTIVE, "parent_not_active", parent=parent, date=format_date(on))
    last = parent_versions[-1]
    if last.valid_to is not None:
        fail(errors.PARENT_ENDS, "parent_ends", parent=parent, end=format_date(last.valid_to))
    if not may_be_child(child_kind=kind, parent_kind=current.kind):
        fail(
            errors.KIND_NOT_ALLOWED,
            "kind_not_allowed",
            child_kind=kind_label(kind),
            parent_kind=kind_label(current.kind),
            parent=parent,
        )
    if unit is not None:
        check_no_cycle(unit=unit, parent=parent, on=on)


def parent_on(unit_id: int, day: dt.date) -> int | None:
    return (
        UnitVersion.objects.filter(unit_id=unit_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("parent_id", flat=True)
        .first()
    )


def check_no_cycle(*, unit: Unit, parent: Unit, on: dt.date) -> None:
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
                fail(errors.CYCLE, "cycle", unit=unit, parent=parent)
            seen.add(current)
            current = parent_on(current, day)


def check_name_free(*, unit: Unit | None, name: str, parent: Unit | None, on: dt.date) -> None:
    clash = (
        UnitVersion.objects.filter(parent=parent, name_key=name_key(name))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .exclude(unit=unit)
        .select_related("unit")
        .first()
    )
    if clash is not None:
        fail(
            errors.NAME_TAKEN,
            "name_taken",
            parent=parent or "—",
            name=name,
            other=clash.unit.code,
        )


def child_versions(unit: Unit, on: dt.date):
    """The versions in force on `on` of the units directly under `unit`."""
    return (
        UnitVersion.objects.filter(parent=unit, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("unit")
        .order_by("unit__code")
    )


def check_children_accept(*, unit: Unit, kind: str, on: dt.date) -> None:
    for child in child_versions(unit, on):
        if not may_be_child(child_kind=child.kind, parent_kind=kind):
            fail(
                errors.CHILD_KIND_CONFLICT,
                "child_kind_conflict",
                child=f"{child.name} ({child.unit.code})",
                child_kind=kind_label(child.kind),
                kind=kind_label(kind),
            )


def check_children_gone(*, unit: Unit, on: dt.date) -> None:
    count = (
        UnitVersion.objects.filter(parent=unit)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values("unit")
        .distinct()
        .count()
    )
    if count:
        fail(
            errors.DISSOLVE_HAS_CHILDREN,
            "has_children",
            unit=unit,
            count=count,
            date=format_date(on),
        )


def clean_code(code: str) -> str:
    code = nfc(code).upper()
    if not code:
        fail(errors.CODE_REQUIRED, "code_required")
    if not _CODE.match(code):
        fail(errors.CODE_INVALID, "code_invalid", code=code)
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        fail(errors.CODE_TAKEN, "code_taken", code=code, unit=existing.name)
    return code


def clean_kind(kind: str) -> str:
    if kind not in _KIND_LABELS:
        fail(errors.KIND_INVALID, "kind_invalid", kind=kind)
    return kind
