"""Transfers that cross the edge of one user's records.

Inside the records a user keeps, members.services.transfer_member moves a member at once.
To a union kept by others, the sending side asks and the receiving side accepts (the move is
made then, on the date asked) or declines. To a union that keeps no records here (another
province, say), the sending side closes the membership and records where the member went.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from congdoan.core import audit
from congdoan.core.text import nfc
from congdoan.members import errors, rules, services
from congdoan.members.models import Member, Membership, TransferRequest
from congdoan.org.models import Unit

Status = TransferRequest.Status


def _request_state(request: TransferRequest) -> dict:
    return audit.snapshot(
        request, ["from_unit_id", "to_unit_id", "on", "status", "note", "answer"]
    )


def _record(actor, request: TransferRequest, operation: str, before: dict | None, reason=""):
    audit.record(
        actor=actor,
        obj=request.member,
        action=audit.AuditEntry.Action.UPDATE,
        before=before,
        after=_request_state(request),
        operation=operation,
        reason=reason,
    )


@transaction.atomic
def request_transfer(
    *, actor, member: Member, to_unit: Unit, on: dt.date, note: str = ""
) -> TransferRequest:
    """Ask `to_unit` to take `member` from `on`; nothing moves until it accepts."""
    member = services.lock(member)
    rules.check_date(member, on)
    span = services.current_span(member, on)
    if span.unit_id == to_unit.pk:
        rules.fail(errors.SAME_UNIT, "same_unit", member=member, unit=to_unit)
    rules.check_unit_holds_members(to_unit, on)
    pending = TransferRequest.objects.filter(member=member, status=Status.PENDING).first()
    if pending is not None:
        rules.fail(
            errors.TRANSFER_PENDING, "transfer_pending", member=member, unit=pending.to_unit
        )
    request = TransferRequest.objects.create(
        member=member,
        span=span,
        from_unit=span.unit,
        to_unit=to_unit,
        on=on,
        note=nfc(note)[:500],
        requested_by=audit.user_or_none(actor),
    )
    _record(actor, request, "transfer_request", None, request.note)
    return request


def _decide(request: TransferRequest) -> TransferRequest:
    """The request locked for a decision, refused if someone decided it meanwhile."""
    request = (
        TransferRequest.objects.select_for_update()
        .select_related("member", "to_unit", "from_unit")
        .get(pk=request.pk)
    )
    if request.status != Status.PENDING:
        rules.fail(
            errors.TRANSFER_DECIDED,
            "transfer_decided",
            member=request.member,
            status=request.get_status_display(),
        )
    return request


def _close_request(actor, request: TransferRequest, status: str, answer: str, operation: str):
    before = _request_state(request)
    request.status, request.answer = status, nfc(answer)[:500]
    request.decided_by = audit.user_or_none(actor)
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    _record(actor, request, operation, before, request.answer)


@transaction.atomic
def accept_transfer(*, actor, request: TransferRequest, answer: str = "") -> Membership:
    """The receiving union takes the member, from the date the sender asked."""
    request = _decide(request)
    open_span = rules.open_span(request.member)
    if open_span is None or open_span.pk != request.span_id:
        # The member left, moved or was suspended since the request: the sender must look.
        rules.fail(errors.TRANSFER_STALE, "transfer_stale", member=request.member)
    span = services.transfer_member(
        actor=actor,
        member=request.member,
        to_unit=request.to_unit,
        on=request.on,
        note=request.note,
    )
    _close_request(actor, request, Status.ACCEPTED, answer, "transfer_accept")
    return span


@transaction.atomic
def decline_transfer(*, actor, request: TransferRequest, answer: str) -> TransferRequest:
    """The receiving union refuses, saying why; the member stays where they are."""
    if not nfc(answer):
        rules.fail(errors.DECLINE_REASON_REQUIRED, "decline_reason_required")
    request = _decide(request)
    _close_request(actor, request, Status.DECLINED, answer, "transfer_decline")
    return request


@transaction.atomic
def cancel_transfer(*, actor, request: TransferRequest, answer: str = "") -> TransferRequest:
    """The sending side withdraws its request."""
    request = _decide(request)
    _close_request(actor, request, Status.CANCELLED, answer, "transfer_cancel")
    return request


@transaction.atomic
def transfer_away(
    *, actor, member: Member, on: dt.date, destination: str, note: str = ""
) -> Membership:
    """The member moves to a union that keeps no records here: close, saying where to."""
    destination = nfc(destination)
    if not destination:
        rules.fail(errors.DESTINATION_REQUIRED, "destination_required")
    member = services.lock(member)
    rules.check_date(member, on)
    span = services.current_span(member, on)
    for request in TransferRequest.objects.filter(member=member, status=Status.PENDING):
        _close_request(actor, request, Status.CANCELLED, destination, "transfer_cancel")
    text = f"→ {destination}" + (f" ({nfc(note)})" if nfc(note) else "")
    return services.close_span(
        actor=actor,
        span=span,
        on=on,
        reason=Membership.EndReason.TRANSFERRED_AWAY,
        note=text,
        operation="transfer_away",
    )


def pending_for(member: Member) -> TransferRequest | None:
    return (
        TransferRequest.objects.select_related("to_unit", "from_unit")
        .filter(member=member, status=Status.PENDING)
        .first()
    )
