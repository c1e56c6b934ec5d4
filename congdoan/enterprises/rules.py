"""The enterprise registry's invariants; each check raises a coded ValidationError."""

import datetime as dt

from django.db.models import Q

from congdoan.accounts.scope import Scope
from congdoan.core.dates import format_date, today
from congdoan.core.errors import fail
from congdoan.enterprises import errors
from congdoan.enterprises.models import Enterprise, Ownership, Status, StatusPeriod, UnionLink
from congdoan.org.kinds import MEMBER_HOLDING, SUB_UNITS, UnitKind
from congdoan.org.models import Unit, UnitVersion

_KIND_LABELS = dict(UnitKind.choices)


def check_date(on: dt.date | None) -> dt.date:
    """A date of a figure or change: given, and not after today."""
    if on is None:
        fail(errors.DATE_REQUIRED, "date_required")
    if on > today():
        fail(errors.DATE_IN_FUTURE, "date_in_future", date=format_date(on))
    return on


def check_ownership(value: str) -> str:
    if value not in Ownership.values:
        fail(errors.OWNERSHIP_INVALID, "ownership_invalid", value=value)
    return value


def check_status(value: str) -> str:
    if value not in Status.values:
        fail(errors.STATUS_INVALID, "status_invalid", value=value)
    return value


def check_workers(workers: int | None) -> int:
    if workers is None:
        fail(errors.WORKERS_REQUIRED, "workers_required")
    if workers < 0:
        fail(errors.WORKERS_NEGATIVE, "workers_negative", workers=workers)
    return workers


def check_area(unit: Unit | None, scope: Scope | None) -> Unit:
    """A living upper-level unit the user may record data under."""
    if unit is None:
        fail(errors.AREA_REQUIRED, "area_required")
    if unit.kind in MEMBER_HOLDING or unit.kind in SUB_UNITS:
        fail(
            errors.AREA_NOT_UPPER_LEVEL,
            "area_not_upper_level",
            unit=unit,
            kind=str(_KIND_LABELS.get(unit.kind, unit.kind)),
        )
    if not unit.is_active:
        fail(errors.AREA_ENDED, "area_ended", unit=unit)
    if scope is not None and not scope.can_enter_data(unit):
        fail(errors.OUTSIDE_SCOPE, "outside_scope", unit=unit)
    return unit


def check_in_scope(enterprise: Enterprise, scope: Scope | None) -> None:
    """The user may change what is recorded of `enterprise`."""
    if scope is not None and not scope.can_enter_data(enterprise.area_unit):
        fail(
            errors.ENTERPRISE_OUTSIDE_SCOPE,
            "outside_scope",
            enterprise=enterprise,
            unit=enterprise.area_unit,
        )


def valid_on(on: dt.date) -> Q:
    """Rows with valid_from/valid_to in force on `on`."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def status_on(enterprise: Enterprise, on: dt.date) -> StatusPeriod | None:
    return StatusPeriod.objects.filter(valid_on(on), enterprise=enterprise).first()


def union_start(union: Unit, on: dt.date) -> dt.date:
    """When `union` became the grassroots union (or guild) it is on `on`; fails if it is not."""
    versions = list(
        UnitVersion.objects.filter(unit=union, valid_from__lte=on).order_by("-valid_from")
    )
    current = versions[0] if versions else None
    if current is None or (current.valid_to is not None and current.valid_to <= on):
        fail(errors.UNION_NOT_THERE, "union_not_there", unit=union, date=format_date(on))
    if current.kind not in MEMBER_HOLDING:
        fail(errors.NOT_MEMBER_HOLDING, "not_member_holding", unit=union, date=format_date(on))
    start = current.valid_from
    for earlier in versions[1:]:
        if earlier.kind not in MEMBER_HOLDING or earlier.valid_to != start:
            break
        start = earlier.valid_from
    return start


def open_link(enterprise: Enterprise) -> UnionLink | None:
    return (
        UnionLink.objects.select_related("union")
        .filter(enterprise=enterprise, valid_to__isnull=True)
        .first()
    )


def last_link(enterprise: Enterprise) -> UnionLink | None:
    return (
        UnionLink.objects.select_related("union")
        .filter(enterprise=enterprise)
        .order_by("-valid_from")
        .first()
    )
