"""The only writers of members and their memberships.

Every change locks the person, checks the invariants in members.rules, closes or opens
spans (nothing is deleted) and records an audit entry.
"""

import datetime as dt
from dataclasses import replace

from django.db import transaction

from congdoan.core import audit
from congdoan.core.codes import clean_cccd
from congdoan.core.dates import format_date, today
from congdoan.core.text import nfc, search_key
from congdoan.members import errors, rules, span_hooks
from congdoan.members.models import LEAVING_REASONS, ContractTerm, Gender, Member, Membership
from congdoan.org.models import Unit

PERSON_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "birth_year",
    "national_id",
    "ethnicity",
    "religion",
    "education_level",
    "professional_level",
    "phone",
    "card_number",
    "employer_name",
    "enterprise",
    "nationality",
    "joined_on",
    "manages_employer",
    "contract_term",
    "contract_months",
)
Reason = Membership.EndReason
# Choices' .values builds a new list on every use; clean_person runs for every roster row.
_GENDERS = frozenset(Gender.values)
_CONTRACT_TERMS = frozenset(("", *ContractTerm.values))


def clean_person(member: Member) -> None:
    member.full_name = nfc(member.full_name)
    if not member.full_name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    if member.gender not in _GENDERS:
        rules.fail(errors.GENDER_REQUIRED, "gender_required")
    if member.birth_date is not None:
        if member.birth_date > today():
            rules.fail(
                errors.BIRTH_IN_FUTURE, "birth_in_future", date=format_date(member.birth_date)
            )
        if member.birth_year and member.birth_year != member.birth_date.year:
            rules.fail(
                errors.BIRTH_YEAR_MISMATCH,
                "birth_year_mismatch",
                year=member.birth_year,
                date=format_date(member.birth_date),
            )
        member.birth_year = member.birth_date.year
    if not member.birth_year:
        rules.fail(errors.BIRTH_REQUIRED, "birth_required")
    for field in (
        "ethnicity",
        "religion",
        "education_level",
        "professional_level",
        "phone",
        "employer_name",
    ):
        setattr(member, field, nfc(getattr(member, field)))
    member.nationality = (nfc(member.nationality) or "VN").upper()
    member.contract_term = member.contract_term or ""
    if member.contract_term not in _CONTRACT_TERMS:
        rules.fail(errors.CONTRACT_TERM_INVALID, "contract_term_invalid", term=member.contract_term)
    if member.contract_term == ContractTerm.FIXED and not member.contract_months:
        rules.fail(errors.CONTRACT_MONTHS_REQUIRED, "contract_months_required")
    if member.contract_term != ContractTerm.FIXED and member.contract_months is not None:
        rules.fail(errors.CONTRACT_MONTHS_WITHOUT_TERM, "contract_months_without_term")
    member.card_number = nfc(member.card_number) or None
    member.national_id = (
        clean_cccd(member.national_id, gender=member.gender, birth_year=member.birth_year)
        if member.national_id not in (None, "")
        else None
    )
    # enterprise_id first: the relation's descriptor costs a tenth of this function per row.
    if member.enterprise_id is not None and not member.employer_name:
        member.employer_name = member.enterprise.name
    member.search_key = search_key(member.full_name)


def check_unique(member: Member) -> None:
    if member.national_id:
        other = Member.objects.filter(national_id=member.national_id).exclude(pk=member.pk).first()
        if other is not None:
            span = rules.open_span(other) or rules.last_span(other)
            if span is None:
                rules.fail(
                    errors.NATIONAL_ID_TAKEN_NO_UNIT,
                    "national_id_taken",
                    national_id=member.national_id,
                )
            # Where, not who: the clerk may not be allowed to see the other person.
            rules.fail(
                errors.NATIONAL_ID_TAKEN,
                "national_id_taken",
                national_id=member.national_id,
                unit=span.unit,
            )
    if member.card_number and (
        Member.objects.filter(card_number=member.card_number).exclude(pk=member.pk).exists()
    ):
        rules.fail(errors.CARD_TAKEN, "card_taken", card=member.card_number)


def existing_with_national_id(national_id: str) -> Member | None:
    """The person already registered with this national ID, if any (for links to them)."""
    return Member.objects.filter(national_id=national_id).first()


@transaction.atomic
def register_member(*, actor, **fields) -> Member:
    """Record a person (not yet a membership): name, gender, birth, national ID and the rest."""
    member = Member(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    clean_person(member)
    check_unique(member)
    member.save()
    audit.record(
        actor=actor,
        obj=member,
        action=audit.AuditEntry.Action.CREATE,
        after=audit.snapshot(member, PERSON_FIELDS),
    )
    return member


@transaction.atomic
def update_member(*, actor, member: Member, reason: str = "", **fields) -> Member:
    """Correct a person's details; the change is audited with before and after."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = audit.snapshot(member, PERSON_FIELDS)
    for key, value in fields.items():
        if key in PERSON_FIELDS:
            setattr(member, key, value)
    if "birth_date" in fields and "birth_year" not in fields:
        member.birth_year = None
    clean_person(member)
    check_unique(member)
    after = audit.snapshot(member, PERSON_FIELDS)
    if after != before:
        # Gender and employer are in the counts of every span the person has.
        with span_hooks.Tracking([member.pk]):
            member.save()
        audit.record(
            actor=actor,
            obj=member,
            action=audit.AuditEntry.Action.UPDATE,
            before=before,
            after=after,
            reason=reason,
        )
    return member


def record_national_id_view(*, actor, member: Member) -> None:
    """Every showing of a person's full national ID goes into their audit trail."""
    if member.national_id:
        audit.record(
            actor=actor,
            obj=member,
            action=audit.AuditEntry.Action.VIEW,
            operation="view_national_id",
        )


def lock(member: Member) -> Member:
    # One writer per person at a time, so two clerks cannot open two spans at once.
    return Member.objects.select_for_update().get(pk=member.pk)


def span_state(span: Membership) -> dict:
    return audit.snapshot(
        span, ["unit_id", "status", "start", "end", "start_reason", "end_reason", "note"]
    )


def span_entry(actor, span: Membership, before: dict | None, operation: str, reason: str):
    """The audit entry (not saved) of a span opened or changed: the person's, with the span
    before and after."""
    return audit.entry(
        actor=actor,
        obj=span.member,
        action=audit.AuditEntry.Action.UPDATE,
        before=before,
        after=span_state(span),
        operation=operation,
        reason=reason,
    )


def _open(
    *,
    actor,
    member: Member,
    unit: Unit,
    on: dt.date,
    status: str,
    start_reason: str,
    note: str = "",
    operation: str,
) -> Membership:
    rules.check_unit_holds_members(unit, on)
    rules.check_no_overlap(member, on, None)
    span = Membership(
        member=member, unit=unit, status=status, start=on, start_reason=start_reason, note=nfc(note)
    )
    span.save()
    if span_hooks.listening():
        span_hooks.spans_changed(added=[span_hooks.facts_for_member(span, member)])
    span_entry(actor, span, None, operation, span.note).save()
    return span


def close_span(
    *, actor, span: Membership, on: dt.date, reason: str, note: str = "", operation: str
) -> Membership:
    if on <= span.start:
        rules.fail(
            errors.DATE_BEFORE_SPAN,
            "date_before_span",
            date=format_date(on),
            start=format_date(span.start),
        )
    before = span_state(span)
    if span_hooks.listening():
        old_facts = span_hooks.facts_for_member(span, span.member)
    span.end, span.end_reason = on, reason
    if note:
        span.note = nfc(f"{span.note} {note}" if span.note else note)[:500]
    span.save(update_fields=["end", "end_reason", "note"])
    if span_hooks.listening():
        span_hooks.spans_changed(
            removed=[old_facts], added=[replace(old_facts, end=on, end_reason=reason)]
        )
    span_entry(actor, span, before, operation, nfc(note)).save()
    return span


def _follow_on(
    *,
    actor,
    member: Member,
    span: Membership,
    on: dt.date,
    unit: Unit,
    status: str,
    reason: str,
    note: str,
    operation: str,
) -> Membership:
    """Close `span` at `on` and open the person's next span the same day.

    Transfers, suspensions, resumptions and reorganisations end one span and begin the next
    for the same cause, so the end reason names the start reason too.
    """
    close_span(actor=actor, span=span, on=on, reason=reason, note=note, operation=operation)
    return _open(
        actor=actor,
        member=member,
        unit=unit,
        on=on,
        status=status,
        start_reason=Membership.StartReason(reason),
        note=note,
        operation=operation,
    )


def current_span(member: Member, on: dt.date, *, status: str | None = None) -> Membership:
    span = rules.open_span(member)
    if span is None or span.start > on:
        rules.fail(errors.NOT_A_MEMBER, "not_a_member", member=member, date=format_date(on))
    if status == Membership.Status.ACTIVE and span.status != status:
        rules.fail(errors.NOT_ACTIVE, "not_active", member=member, date=format_date(on))
    if status == Membership.Status.SUSPENDED and span.status != status:
        rules.fail(errors.NOT_SUSPENDED, "not_suspended", member=member, date=format_date(on))
    return span


@transaction.atomic
def admit_member(*, actor, member: Member, unit: Unit, on: dt.date, note: str = "") -> Membership:
    """Admit a person who was never a member into a grassroots union from `on`."""
    member = lock(member)
    rules.check_date(member, on)
    if (last := rules.last_span(member)) is not None:
        if last.end is None:
            rules.fail(
                errors.ALREADY_MEMBER,
                "already_member",
                member=member,
                unit=last.unit,
                start=format_date(last.start),
            )
        rules.fail(errors.WAS_MEMBER, "was_member", member=member)
    rules.check_may_join(member, on)
    span = _open(
        actor=actor,
        member=member,
        unit=unit,
        on=on,
        status=Membership.Status.ACTIVE,
        start_reason=Membership.StartReason.ADMITTED,
        note=note,
        operation="admit",
    )
    if member.joined_on is None:
        Member.objects.filter(pk=member.pk).update(joined_on=on)
    return span


@transaction.atomic
def readmit_member(*, actor, member: Member, unit: Unit, on: dt.date, note: str = "") -> Membership:
    """Admit again a person who left, no sooner than the set months after leaving."""
    member = lock(member)
    rules.check_date(member, on)
    if rules.last_span(member) is None:
        rules.fail(errors.NEVER_LEFT, "never_left", member=member)
    rules.check_readmission(member, on)
    rules.check_may_join(member, on)
    return _open(
        actor=actor,
        member=member,
        unit=unit,
        on=on,
        status=Membership.Status.ACTIVE,
        start_reason=Membership.StartReason.READMITTED,
        note=note,
        operation="readmit",
    )


@transaction.atomic
def transfer_member(
    *, actor, member: Member, to_unit: Unit, on: dt.date, note: str = ""
) -> Membership:
    """Move a member's union activity to another grassroots union from `on`."""
    member = lock(member)
    rules.check_date(member, on)
    span = current_span(member, on)
    if span.unit_id == to_unit.pk:
        rules.fail(errors.SAME_UNIT, "same_unit", member=member, unit=to_unit)
    rules.check_unit_holds_members(to_unit, on)
    return _follow_on(
        actor=actor,
        member=member,
        span=span,
        on=on,
        unit=to_unit,
        status=span.status,
        reason=Reason.TRANSFERRED,
        note=note,
        operation="transfer",
    )


@transaction.atomic
def leave_union(*, actor, member: Member, on: dt.date, reason: str, note: str = "") -> Membership:
    """End a person's membership from `on` (retired, left the job, withdrew, expelled, …)."""
    if reason not in LEAVING_REASONS:
        rules.fail(errors.LEAVE_REASON_INVALID, "leave_reason_invalid", reason=reason)
    member = lock(member)
    rules.check_date(member, on)
    span = current_span(member, on)
    return close_span(actor=actor, span=span, on=on, reason=reason, note=note, operation="leave")


@transaction.atomic
def suspend_member(*, actor, member: Member, on: dt.date, note: str = "") -> Membership:
    """Pause a member's activity (contract suspended or job lost) from `on`."""
    member = lock(member)
    rules.check_date(member, on)
    span = current_span(member, on, status=Membership.Status.ACTIVE)
    return _follow_on(
        actor=actor,
        member=member,
        span=span,
        on=on,
        unit=span.unit,
        status=Membership.Status.SUSPENDED,
        reason=Reason.SUSPENDED,
        note=note,
        operation="suspend",
    )


@transaction.atomic
def resume_member(*, actor, member: Member, on: dt.date, note: str = "") -> Membership:
    """End a suspension from `on`, within the longest suspension allowed."""
    member = lock(member)
    rules.check_date(member, on)
    span = current_span(member, on, status=Membership.Status.SUSPENDED)
    rules.check_suspension_length(member, span.start, on)
    return _follow_on(
        actor=actor,
        member=member,
        span=span,
        on=on,
        unit=span.unit,
        status=Membership.Status.ACTIVE,
        reason=Reason.RESUMED,
        note=note,
        operation="resume",
    )
