"""The audit trail: every service that changes domain data records what it changed here."""

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from congdoan.core.models import AuditEntry


def object_type(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values as JSON-ready data, for before/after."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def user_or_none(actor):
    """The user behind `actor`, or None when the system acts (commands, demo, tests)."""
    return actor if actor is not None and getattr(actor, "pk", None) is not None else None


def entry(
    *,
    actor,
    obj: models.Model,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    operation: str = "",
    reason: str = "",
) -> AuditEntry:
    """One change of `obj` by `actor` (a user, or None for the system), not yet saved."""
    user = user_or_none(actor)
    return AuditEntry(
        actor=user,
        actor_name=user.get_username() if user else "system",
        action=action,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        operation=operation,
        before=before,
        after=after,
        reason=reason,
    )


def record(**change) -> AuditEntry:
    """Record one change: the arguments of `entry`."""
    audit_entry = entry(**change)
    audit_entry.save()
    return audit_entry


def record_many(entries: Iterable[AuditEntry]) -> None:
    """Save many entries made by `entry` at once (a reorganisation moving thousands)."""
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """The object's audit entries, newest first."""
    return AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
