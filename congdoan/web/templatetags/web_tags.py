"""Filters shared by the pages: labels of kinds and the rows of an audit entry."""

import datetime as dt

from django import template
from django.utils.translation import gettext_lazy as _

from congdoan.core.dates import format_date
from congdoan.org.kinds import UnitKind
from congdoan.org.models import OrgEvent

register = template.Library()

_KINDS = dict(UnitKind.choices)
# "Created" is also the audit trail's word for any new record; a unit is founded.
_OPERATIONS = {**dict(OrgEvent.Kind.choices), OrgEvent.Kind.CREATE: _("Founded")}
# Labels of the keys org.services records in audit entries.
_AUDIT_KEYS = {
    "name": _("Name"),
    "kind": _("Kind"),
    "parent": _("Parent unit"),
    "valid_from": _("From"),
    "valid_to": _("Until"),
}


@register.filter
def kind_label(kind: str) -> str:
    """The human label of a unit kind key ("grassroots" → "Công đoàn cơ sở")."""
    return _KINDS.get(kind, kind)


@register.filter
def operation_label(operation: str) -> str:
    """The label of a reorganisation key ("merge" → "Sáp nhập")."""
    return _OPERATIONS.get(operation, operation)


def _show(key: str, value) -> str:
    if value in (None, ""):
        return "—"
    if key == "kind":
        return str(_KINDS.get(value, value))
    if key in {"valid_from", "valid_to"}:
        try:
            return format_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


@register.filter
def audit_rows(entry) -> list[dict]:
    """An audit entry's fields as rows of label, before, after and whether it changed."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        {
            "label": _AUDIT_KEYS.get(key, key),
            "before": _show(key, before.get(key)) if entry.before is not None else "",
            "after": _show(key, after.get(key)) if entry.after is not None else "",
            "changed": before.get(key) != after.get(key),
        }
        for key in keys
    ]
