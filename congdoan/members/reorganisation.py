"""Memberships when a grassroots union ends in a reorganisation (org.hooks' unit end).

A province's reform ends unions of thousands at once, so the spans are closed and the next
ones opened in bulk, with the checks members.services makes one person at a time.
"""

import datetime as dt

from django.db.models import Case, Value, When
from django.db.models.functions import Concat, Substr

from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.core.text import nfc
from congdoan.members import errors, rules, span_hooks
from congdoan.members.models import Membership
from congdoan.members.services import Reason, span_entry, span_state
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import Unit


def end_memberships_of_unit(
    *, unit: Unit, on: dt.date, successor: Unit | None, event, actor
) -> int:
    """When a grassroots union ends, its members follow its successor or their membership ends.

    Registered with org.hooks: runs inside the reorganisation's transaction. A province's
    reform ends unions of thousands, so the spans are closed and opened in bulk, with the
    checks the one-by-one services make (each person has one open span, so closing it at
    `on` and opening the next at `on` cannot overlap another).
    """
    spans = list(
        Membership.objects.select_for_update()
        .select_related("member")
        .filter(unit=unit, end__isnull=True)
        .order_by("pk")
    )
    if not spans:
        return 0
    if (early := next((s for s in spans if s.start >= on), None)) is not None:
        rules.fail(
            errors.DATE_BEFORE_SPAN,
            "date_before_span",
            date=format_date(on),
            start=format_date(early.start),
        )
    moves = successor is not None and successor.kind in MEMBER_HOLDING
    if moves:
        rules.check_unit_holds_members(successor, on)
    reason = Reason.REORGANISED if moves else Reason.UNION_DISSOLVED
    note = nfc(event.reason)[:500]
    entries, follow_ons = [], []
    for span in spans:
        before = span_state(span)
        span.end, span.end_reason = on, reason
        if note:
            span.note = nfc(f"{span.note} {note}" if span.note else note)[:500]
        entries.append(span_entry(actor, span, before, event.kind, note))
        if moves:
            follow_ons.append(
                Membership(
                    member=span.member,
                    unit=successor,
                    status=span.status,
                    start=on,
                    start_reason=Membership.StartReason.REORGANISED,
                    note=note,
                )
            )
    # One statement for all (bulk_update's CASE per row is slow on SQLite), appending the
    # note as close_span does; the spans are those read above, locked by this transaction.
    changes = {"end": on, "end_reason": reason}
    if note:
        changes["note"] = Case(
            When(note="", then=Value(note)),
            default=Substr(Concat("note", Value(f" {note}")), 1, 500),
        )
    with span_hooks.Tracking([span.member_id for span in spans]):
        Membership.objects.filter(unit=unit, end__isnull=True).update(**changes)
        # After the closing: the database allows one open span per person.
        Membership.objects.bulk_create(follow_ons, batch_size=1000)
    entries += [span_entry(actor, span, None, event.kind, note) for span in follow_ons]
    audit.record_many(entries)
    return len(spans)
