"""The only writers of organizing cases, their stages and applicants.

Every service locks the case, checks the rules, writes a dated StageEvent when the case
moves, and records an audit entry on the case. Callers acting for a user pass their
`scope`: a case is changed only by those who may place units under its owner, since
recognising it (organizing.recognition) founds a unit there.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.codes import clean_cccd
from congdoan.core.dates import format_date, today
from congdoan.core.text import nfc
from congdoan.enterprises import rules as enterprise_rules
from congdoan.enterprises.models import Enterprise
from congdoan.members import rules as member_rules
from congdoan.members.models import Gender
from congdoan.org.models import Unit
from congdoan.organizing import errors, rules
from congdoan.organizing.models import OPEN, STAGES, Applicant, Case, Stage, StageEvent, State

Action = audit.AuditEntry.Action
Kind = StageEvent.Kind
CASE_FIELDS = (
    "stage",
    "state",
    "state_reason",
    "next_step",
    "next_step_due",
    "notes",
    "decision_number",
    "decision_date",
    "union_id",
)
APPLICANT_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "birth_year",
    "national_id",
    "phone",
    "position",
    "applied_on",
)


def lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("enterprise", "owner").get(pk=case.pk)


def add_event(case: Case, *, kind: str, on: dt.date, note: str, actor) -> StageEvent:
    return StageEvent.objects.create(
        case=case,
        kind=kind,
        stage=case.stage,
        on=on,
        note=nfc(note)[:500],
        actor=audit.user_or_none(actor),
    )


def _touch(case: Case) -> None:
    # The list of applicants is part of what forms about the case are drawn from.
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


def record(case: Case, *, actor, operation: str, before: dict | None, reason: str = "", **extra):
    audit.record(
        actor=actor,
        obj=case,
        action=Action.UPDATE,
        operation=operation,
        before=before,
        after={**audit.snapshot(case, CASE_FIELDS), **extra},
        reason=nfc(reason),
    )


# --- cases ---------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    actor,
    enterprise: Enterprise,
    owner: Unit,
    on: dt.date,
    note: str = "",
    scope: Scope | None = None,
) -> Case:
    """Start the campaign in an operating enterprise with no union, run by `owner`."""
    rules.check_owner(owner, scope)
    rules.check_date(on)
    # One writer per enterprise: two users cannot open two cases at once.
    enterprise = (
        Enterprise.objects.select_for_update().select_related("area_unit").get(pk=enterprise.pk)
    )
    if scope is not None and not scope.contains(enterprise.area_unit):
        rules.fail(
            errors.ENTERPRISE_OUTSIDE_SCOPE, "enterprise_outside_scope", enterprise=enterprise
        )
    if (link := enterprise_rules.open_link(enterprise)) is not None:
        rules.fail(
            errors.ENTERPRISE_HAS_UNION,
            "enterprise_has_union",
            enterprise=enterprise.name,
            unit=link.union.name,
        )
    rules.check_operating(enterprise, on)
    other = Case.objects.filter(OPEN, enterprise=enterprise).select_related("owner").first()
    if other is not None:
        rules.fail(
            errors.CASE_ALREADY_OPEN,
            "case_already_open",
            enterprise=enterprise.name,
            unit=other.owner.name,
        )
    case = Case.objects.create(enterprise=enterprise, owner=owner, opened_on=on)
    add_event(case, kind=Kind.OPENED, on=on, note=note, actor=actor)
    audit.record(
        actor=actor,
        obj=case,
        action=Action.CREATE,
        after={
            "enterprise_id": str(enterprise.pk),
            "owner_id": str(owner.pk),
            "opened_on": on.isoformat(),
            **audit.snapshot(case, CASE_FIELDS),
        },
        reason=nfc(note),
    )
    return case


@transaction.atomic
def advance(
    *,
    actor,
    case: Case,
    on: dt.date,
    note: str = "",
    from_stage: str | None = None,
    scope: Scope | None = None,
) -> Case:
    """Move the case to the next stage, reached on `on` (recognition has its own service)."""
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case, active=True)
    rules.check_from_stage(case, from_stage)
    if case.stage == Stage.CONGRESS:
        rules.fail(errors.LAST_STAGE_NEEDS_DECISION, "needs_decision")
    rules.check_step_date(case, on)
    before = audit.snapshot(case, CASE_FIELDS)
    case.stage = STAGES[case.stage_index + 1]
    case.save(update_fields=["stage", "updated_at"])
    add_event(case, kind=Kind.ADVANCED, on=on, note=note, actor=actor)
    record(case, actor=actor, operation="advance", before=before, reason=note, on=on.isoformat())
    return case


@transaction.atomic
def move_back(
    *, actor, case: Case, note: str = "", from_stage: str | None = None, scope: Scope | None = None
) -> Case:
    """Undo the last step forward, to correct a mistake; the history keeps both."""
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case, active=True)
    rules.check_from_stage(case, from_stage)
    if case.stage_index == 0:
        rules.fail(errors.FIRST_STAGE, "first_stage")
    before = audit.snapshot(case, CASE_FIELDS)
    case.stage = STAGES[case.stage_index - 1]
    case.save(update_fields=["stage", "updated_at"])
    add_event(case, kind=Kind.BACK, on=today(), note=note, actor=actor)
    record(case, actor=actor, operation="move_back", before=before, reason=note)
    return case


def _change_state(*, actor, case: Case, on: dt.date, state: str, reason: str, kind: str) -> Case:
    before = audit.snapshot(case, CASE_FIELDS)
    rules.check_step_date(case, on)
    case.state = state
    case.state_reason = nfc(reason)[:500]
    case.save(update_fields=["state", "state_reason", "updated_at"])
    add_event(case, kind=kind, on=on, note=reason, actor=actor)
    record(case, actor=actor, operation=kind, before=before, reason=reason, on=on.isoformat())
    return case


def _required_reason(reason: str) -> str:
    reason = nfc(reason)
    if not reason:
        rules.fail(errors.REASON_REQUIRED, "reason_required")
    return reason


@transaction.atomic
def pause(*, actor, case: Case, on: dt.date, reason: str, scope: Scope | None = None) -> Case:
    """The work waits (the enterprise asked for time, the board fell apart, …)."""
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case)
    if case.state == State.PAUSED:
        rules.fail(errors.ALREADY_PAUSED, "already_paused", enterprise=case.enterprise.name)
    reason = _required_reason(reason)
    return _change_state(
        actor=actor, case=case, on=on, state=State.PAUSED, reason=reason, kind=Kind.PAUSED
    )


@transaction.atomic
def resume(*, actor, case: Case, on: dt.date, note: str = "", scope: Scope | None = None) -> Case:
    """A paused case goes on from the stage it was at."""
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case)
    if case.state != State.PAUSED:
        rules.fail(errors.NOT_PAUSED, "not_paused", enterprise=case.enterprise.name)
    return _change_state(
        actor=actor, case=case, on=on, state=State.ACTIVE, reason=note, kind=Kind.RESUMED
    )


@transaction.atomic
def stop(*, actor, case: Case, on: dt.date, reason: str, scope: Scope | None = None) -> Case:
    """End the campaign without a union; a new case may be opened for the enterprise later."""
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case)
    reason = _required_reason(reason)
    return _change_state(
        actor=actor, case=case, on=on, state=State.STOPPED, reason=reason, kind=Kind.STOPPED
    )


@transaction.atomic
def set_next_step(
    *,
    actor,
    case: Case,
    next_step: str,
    due: dt.date | None,
    notes: str | None = None,
    scope: Scope | None = None,
) -> Case:
    """What is to be done next and by when (both may be cleared), and the case's notes."""
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case)
    next_step = nfc(next_step)[:500]
    if due is not None and not next_step:
        rules.fail(errors.NEXT_STEP_REQUIRED, "next_step_required")
    if due is not None and due < case.opened_on:
        rules.fail(
            errors.DUE_BEFORE_OPENED,
            "due_before_opened",
            date=format_date(due),
            opened=format_date(case.opened_on),
        )
    before = audit.snapshot(case, CASE_FIELDS)
    case.next_step, case.next_step_due = next_step, due
    if notes is not None:
        case.notes = notes.strip()
    if audit.snapshot(case, CASE_FIELDS) != before:
        case.save(update_fields=["next_step", "next_step_due", "notes", "updated_at"])
        record(case, actor=actor, operation="next_step", before=before)
    return case


# --- applicants ----------------------------------------------------------------------------


def _clean_applicant(applicant: Applicant) -> None:
    applicant.full_name = nfc(applicant.full_name)
    if not applicant.full_name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    if applicant.gender not in Gender.values:
        rules.fail(errors.GENDER_REQUIRED, "gender_required")
    if applicant.birth_date is not None:
        if applicant.birth_date > today():
            rules.fail(
                errors.BIRTH_IN_FUTURE, "birth_in_future", date=format_date(applicant.birth_date)
            )
        applicant.birth_year = applicant.birth_date.year
    if not applicant.birth_year:
        rules.fail(errors.BIRTH_REQUIRED, "birth_required")
    applicant.national_id = (
        clean_cccd(applicant.national_id, gender=applicant.gender, birth_year=applicant.birth_year)
        if applicant.national_id not in (None, "")
        else None
    )
    applicant.phone = nfc(applicant.phone)[:20]
    applicant.position = nfc(applicant.position)[:200]
    rules.check_date(applicant.applied_on)
    age = member_rules.age_on(applicant, applicant.applied_on)
    if age < settings.MEMBERS_MIN_AGE:
        rules.fail(
            errors.TOO_YOUNG,
            "too_young",
            name=applicant.full_name,
            age=age,
            date=format_date(applicant.applied_on),
            min_age=settings.MEMBERS_MIN_AGE,
        )


@transaction.atomic
def add_applicant(
    *,
    actor,
    case: Case,
    full_name: str,
    gender: str,
    applied_on: dt.date,
    birth_date: dt.date | None = None,
    birth_year: int | None = None,
    national_id: str | None = None,
    phone: str = "",
    position: str = "",
    scope: Scope | None = None,
) -> Applicant:
    """A worker who signed an application to join the union being founded."""
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case)
    applicant = Applicant(
        case=case, full_name=full_name, gender=gender, birth_date=birth_date,
        birth_year=birth_year, national_id=national_id, phone=phone or "",
        position=position or "", applied_on=applied_on,
    )  # fmt: skip
    _clean_applicant(applicant)
    if applicant.national_id and (
        twin := case.applicants.filter(national_id=applicant.national_id).first()
    ):
        rules.fail(
            errors.APPLICANT_TWICE,
            "applicant_twice",
            national_id=applicant.national_id,
            name=twin.full_name,
        )
    applicant.save()
    _touch(case)
    audit.record(
        actor=actor,
        obj=case,
        action=Action.UPDATE,
        operation="add_applicant",
        after={"applicant_id": str(applicant.pk), **audit.snapshot(applicant, APPLICANT_FIELDS)},
    )
    return applicant


@transaction.atomic
def remove_applicant(
    *, actor, applicant: Applicant, reason: str = "", scope: Scope | None = None
) -> None:
    """Take an applicant off the list (withdrew, entered by mistake); the audit keeps them."""
    case = lock(applicant.case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case)
    applicant = Applicant.objects.select_for_update().filter(pk=applicant.pk, case=case).first()
    if applicant is None:
        rules.fail(errors.APPLICANT_NOT_IN_CASE, "applicant_not_in_case")
    before = {"applicant_id": str(applicant.pk), **audit.snapshot(applicant, APPLICANT_FIELDS)}
    applicant.delete()
    _touch(case)
    audit.record(
        actor=actor,
        obj=case,
        action=Action.UPDATE,
        operation="remove_applicant",
        before=before,
        reason=nfc(reason),
    )
