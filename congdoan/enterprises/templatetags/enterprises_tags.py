"""Filters of the enterprise pages: labels of ownership and status, audit rows, percentages."""

import datetime as dt

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from congdoan.core.dates import format_date
from congdoan.enterprises.models import Enterprise, Ownership, Status

register = template.Library()

_OPERATIONS = {
    "record_headcount": _("Workers recorded"),
    "change_status": _("Status changed"),
    "link_union": _("Union linked"),
    "unlink_union": _("Union link ended"),
    "union_reorganised": _("Union reorganised"),
    "import": _("Imported"),
}
_LABELS = {
    "tax_code": _("Tax code"),
    "area_unit_id": _("Area unit"),
    "union_id": _("Grassroots union"),
    "successor_id": _("Successor union"),
    "status": _("Status"),
    "since": _("From"),
    "as_of": _("Counted on"),
    "workers": _("Workers"),
    "source": _("Source"),
    "valid_from": _("From"),
    "valid_to": _("Until"),
}
UNIT_KEYS = ("area_unit_id", "union_id", "successor_id")
_CHOICES = {"ownership": dict(Ownership.choices), "status": dict(Status.choices)}
_DATES = {"since", "as_of", "valid_from", "valid_to"}


@register.filter
def enterprise_operation(key: str) -> str:
    return _OPERATIONS.get(key, key)


@register.simple_tag
def status_badge(status: str | None) -> str:
    """Operating, suspended or dissolved, coloured; a dash when unknown."""
    if not status:
        return "—"
    tone = {"operating": "status-active", "dissolved": "status-ended"}.get(status, "")
    return format_html('<span class="badge {}">{}</span>', tone, _CHOICES["status"][status])


@register.filter
def pct(value) -> str:
    """73.5 → "73,5 %" (in the active language); a dash for no percentage."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)} %"


def _label(key: str) -> str:
    if key in _LABELS:
        return _LABELS[key]
    try:
        return capfirst(Enterprise._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:  # a key an older version of the services recorded
        return key


def _show(key: str, value, units: dict) -> str:
    if value in (None, ""):
        return "—"
    if key in UNIT_KEYS:
        unit = units.get(int(value))
        return f"{unit.name} ({unit.code})" if unit else str(value)
    if key in _CHOICES:
        return str(_CHOICES[key].get(value, value))
    if key in _DATES:
        try:
            return format_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if key == "workers":
        return number_format(value, force_grouping=True)
    return str(value)


@register.simple_tag
def enterprise_audit_rows(entry, units: dict) -> list[dict]:
    """An audit entry of an enterprise as rows of label, before, after and whether it changed."""
    before, after = entry.before or {}, entry.after or {}
    return [
        {
            "label": _label(key),
            "before": _show(key, before.get(key), units) if entry.before is not None else "",
            "after": _show(key, after.get(key), units) if entry.after is not None else "",
            "changed": before.get(key) != after.get(key),
        }
        for key in dict.fromkeys([*before, *after])
    ]


@register.filter
def num(value) -> str:
    """1234 → "1.234" (in the active language); a dash for no figure."""
    if value is None:
        return "—"
    return number_format(value, force_grouping=True)


@register.filter
def share(value) -> str:
    """0.735 → "73,5 %"; a dash for none."""
    return "—" if value is None else pct(round(100 * value, 1))
