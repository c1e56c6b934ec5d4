"""Filters of the member pages: masked numbers, birth, status badges, audit rows."""

import datetime as dt

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from congdoan.core.codes import mask_cccd
from congdoan.core.dates import format_date
from congdoan.enterprises.models import Enterprise
from congdoan.members.models import Gender, Member, Membership, TransferRequest
from congdoan.org.models import OrgEvent

register = template.Library()

SENSITIVE_FIELDS = frozenset({"ethnicity", "religion"})
_OPERATIONS = {
    "admit": _("Admission"),
    "readmit": _("Re-admission"),
    "transfer": _("Transfer"),
    "leave": _("Leaving"),
    "suspend": _("Suspension"),
    "resume": _("Resumption"),
    "view_national_id": _("Full national ID shown"),
    "transfer_request": _("Transfer asked"),
    "transfer_accept": _("Transfer accepted"),
    "transfer_decline": _("Transfer declined"),
    "transfer_cancel": _("Transfer request withdrawn"),
    "transfer_away": _("Moved outside this system"),
    "merge": _("Records of one person merged"),
    "distinct": _("Confirmed as different people"),
    **dict(OrgEvent.Kind.choices),
}
_SPAN_LABELS = {
    "unit_id": _("Grassroots union"),
    "status": _("Status"),
    "start": _("From"),
    "end": _("Until"),
    "start_reason": _("How it began"),
    "end_reason": _("How it ended"),
    "note": _("Note"),
    "from_unit_id": _("Sending union"),
    "to_unit_id": _("Receiving union"),
    "on": _("From date"),
    "answer": _("Answer"),
}
UNIT_KEYS = ("unit_id", "from_unit_id", "to_unit_id")
_CHOICES = {
    "gender": dict(Gender.choices),
    "status": {**dict(Membership.Status.choices), **dict(TransferRequest.Status.choices)},
    "start_reason": dict(Membership.StartReason.choices),
    "end_reason": dict(Membership.EndReason.choices),
}
_DATES = {"birth_date", "joined_on", "start", "end", "on"}


@register.filter
def masked(value: str | None) -> str:
    """0791•••••123, or a dash when there is no number."""
    return mask_cccd(value) or "—"


@register.filter
def birth(member: Member) -> str:
    """The date of birth, or the year alone when that is all that is known."""
    return format_date(member.birth_date) if member.birth_date else str(member.birth_year)


@register.filter
def member_operation(key: str) -> str:
    return _OPERATIONS.get(key, key)


@register.simple_tag
def standing_badge(span: Membership | None) -> str:
    """The member's status now: active, suspended, or left (and why)."""
    if span is None:
        return format_html('<span class="badge">{}</span>', _("Not admitted"))
    if span.end is None and span.status == Membership.Status.ACTIVE:
        return format_html('<span class="badge status-active">{}</span>', _("Active"))
    if span.end is None:
        return format_html('<span class="badge">{}</span>', _("Suspended"))
    return format_html(
        '<span class="badge status-ended">{}</span> <span class="muted">{}</span>',
        _("Left"), span.get_end_reason_display(),
    )


@register.filter
def standing_since(span: Membership | None) -> str:
    """Since when the member has been in their status (the day they left, for those who left)."""
    if span is None:
        return ""
    return format_date(span.start if span.end is None else span.end)


def _label(key: str) -> str:
    if key in _SPAN_LABELS:
        return _SPAN_LABELS[key]
    try:
        return capfirst(Member._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:  # a key an older version of the services recorded
        return key


def _show(key: str, value, units: dict) -> str:
    if value in (None, ""):
        return "—"
    if key == "national_id":
        return mask_cccd(str(value))
    if key == "enterprise":
        enterprise = Enterprise.objects.filter(pk=value).only("name").first()
        return enterprise.name if enterprise else str(value)
    if key in UNIT_KEYS:
        unit = units.get(int(value))
        return unit.name if unit else str(value)
    if key in _CHOICES:
        return str(_CHOICES[key].get(value, value))
    if key in _DATES:
        try:
            return format_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


@register.simple_tag
def member_audit_rows(entry, units: dict, sensitive: bool) -> list[dict]:
    """An audit entry of a person as rows of label, before, after and whether it changed.

    National IDs are masked (the full number is shown only on request, and audited);
    ethnicity and religion are left out for those who may not see them.
    """
    before, after = entry.before or {}, entry.after or {}
    keys = [
        key for key in dict.fromkeys([*before, *after])
        if sensitive or key not in SENSITIVE_FIELDS
    ]
    return [
        {
            "label": _label(key),
            "before": _show(key, before.get(key), units) if entry.before is not None else "",
            "after": _show(key, after.get(key), units) if entry.after is not None else "",
            "changed": before.get(key) != after.get(key),
        }
        for key in keys
    ]
