"""The only writers of organizing cases, their stages and applicants.

Every service locks the case, checks the rules, writes a dated StageEvent when the case
moves, and records an audit entry on the case. Callers acting for a user pass their
`scope`: a case is changed only by those who may place units under its owner, since
recognising it founds a unit there. `recognise` founds the union, links it to the
enterprise and admits the applicants in one transaction: all of it, or nothing.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.codes import clean_cccd
from congdoan.core.dates import format_date, today
from congdoan.core.text import nfc, search_key
from congdoan.enterprises import rules as enterprise_rules
from congdoan.enterprises import services as enterprise_services
from congdoan.enterprises.models import Enterprise, Status
from congdoan.members import rules as member_rules
from congdoan.members import services as member_services
from congdoan.members.models import Gender, Member
from congdoan.org import services as org_services
from congdoan.org.kinds import UPPER_LEVEL, UnitKind
from congdoan.org.models import Unit
from congdoan.organizing import errors
from congdoan.organizing.models import OPEN, STAGES, Applicant, Case, Stage, StageEvent, State

Action = audit.AuditEntry.Action
Kind = StageEvent.Kind
#: Kinds of unit that run cases: the upper-level unions and the province federation.
OWNER_KINDS = UPPER_LEVEL | {UnitKind.PROVINCE}
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
_STAGE_LABELS = dict(Stage.choices)
_STATE_LABELS = dict(State.choices)


def fail(message, code: str, /, **params) -> None:
    raise ValidationError(message, code=code, params=params)


def min_applicants() -> int:
    return settings.ORGANIZING_MIN_APPLICANTS


# --- checks --------------------------------------------------------------------------------


def check_owner(owner: Unit | None, scope: Scope | None) -> Unit:
    """A living upper-level unit (or province federation) the user may found unions under."""
    if owner is None:
        fail(errors.OWNER_REQUIRED, "owner_required")
    if owner.kind not in OWNER_KINDS:
        fail(errors.OWNER_NOT_UPPER_LEVEL, "owner_not_upper_level", unit=owner)
    if not owner.is_active:
        fail(errors.OWNER_ENDED, "owner_ended", unit=owner)
    check_may_run(owner, scope)
    return owner


def check_may_run(owner: Unit, scope: Scope | None) -> None:
    if scope is not None and not scope.can_place_under(owner):
        fail(errors.OWNER_OUTSIDE_SCOPE, "owner_outside_scope", unit=owner)


def check_date(on: dt.date | None) -> dt.date:
    if on is None:
        fail(errors.DATE_REQUIRED, "date_required")
    if on > today():
        fail(errors.DATE_IN_FUTURE, "date_in_future", date=format_date(on))
    return on


def check_operating(enterprise: Enterprise, on: dt.date) -> None:
    period = enterprise_rules.status_on(enterprise, on)
    if period is None or period.status != Status.OPERATING:
        fail(
            errors.ENTERPRISE_NOT_OPERATING,
            "enterprise_not_operating",
            enterprise=enterprise.name,
            date=format_date(on),
        )


def _check_open(case: Case, *, active: bool = False) -> None:
    if not case.is_open:
        label = _STAGE_LABELS[case.stage] if case.stage == Stage.RECOGNISED else None
        fail(
            errors.CASE_CLOSED,
            "case_closed",
            enterprise=case.enterprise.name,
            state=label or _STATE_LABELS[case.state],
        )
    if active and case.state == State.PAUSED:
        fail(errors.CASE_PAUSED, "case_paused", enterprise=case.enterprise.name)


def _check_from_stage(case: Case, from_stage: str | None) -> None:
    """The stage the user saw is still the case's: two clicks cannot move it twice."""
    if from_stage is not None and from_stage != case.stage:
        fail(
            errors.STAGE_CHANGED,
            "stage_changed",
            stage=_STAGE_LABELS[case.stage],
            expected=_STAGE_LABELS.get(from_stage, from_stage),
        )


def live_events(case: Case) -> list[StageEvent]:
    """The case's steps oldest first, without the corrections and the steps they undid."""
    live: list[StageEvent] = []
    for event in case.events.order_by("pk"):
        if event.kind != Kind.BACK:
            live.append(event)
            continue
        undone = next((e for e in reversed(live) if e.kind == Kind.ADVANCED), None)
        if undone is not None:
            live.remove(undone)
    return live


def last_step_on(case: Case) -> dt.date:
    """The latest date of the steps since the case reached its stage: a new step is dated
    on or after it."""
    live = live_events(case)
    reached = next(
        (i for i in range(len(live) - 1, -1, -1) if live[i].kind in (Kind.OPENED, Kind.ADVANCED)),
        0,
    )
    return max((e.on for e in live[reached:]), default=case.opened_on)


def _check_step_date(case: Case, on: dt.date | None) -> dt.date:
    check_date(on)
    last = last_step_on(case)
    if on < last:
        fail(errors.DATE_BEFORE_LAST, "date_before_last", last=format_date(last))
    return on


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("enterprise", "owner").get(pk=case.pk)


def _event(case: Case, *, kind: str, on: dt.date, note: str, actor) -> StageEvent:
    return StageEvent.objects.create(
        case=case,
        kind=kind,
        stage=case.stage,
        on=on,
        note=nfc(note)[:500],
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _touch(case: Case) -> None:
    # The list of applicants is part of what forms about the case are drawn from.
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


def _record(case: Case, *, actor, operation: str, before: dict | None, reason: str = "", **extra):
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
    check_owner(owner, scope)
    check_date(on)
    # One writer per enterprise: two users cannot open two cases at once.
    enterprise = (
        Enterprise.objects.select_for_update().select_related("area_unit").get(pk=enterprise.pk)
    )
    if scope is not None and not scope.contains(enterprise.area_unit):
        fail(errors.ENTERPRISE_OUTSIDE_SCOPE, "enterprise_outside_scope", enterprise=enterprise)
    if (link := enterprise_rules.open_link(enterprise)) is not None:
        fail(
            errors.ENTERPRISE_HAS_UNION,
            "enterprise_has_union",
            enterprise=enterprise.name,
            unit=link.union.name,
        )
    check_operating(enterprise, on)
    other = Case.objects.filter(OPEN, enterprise=enterprise).select_related("owner").first()
    if other is not None:
        fail(
            errors.CASE_ALREADY_OPEN,
            "case_already_open",
            enterprise=enterprise.name,
            unit=other.owner.name,
        )
    case = Case.objects.create(enterprise=enterprise, owner=owner, opened_on=on)
    _event(case, kind=Kind.OPENED, on=on, note=note, actor=actor)
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
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case, active=True)
    _check_from_stage(case, from_stage)
    if case.stage == Stage.CONGRESS:
        fail(errors.LAST_STAGE_NEEDS_DECISION, "needs_decision")
    _check_step_date(case, on)
    before = audit.snapshot(case, CASE_FIELDS)
    case.stage = STAGES[case.stage_index + 1]
    case.save(update_fields=["stage", "updated_at"])
    _event(case, kind=Kind.ADVANCED, on=on, note=note, actor=actor)
    _record(case, actor=actor, operation="advance", before=before, reason=note, on=on.isoformat())
    return case


@transaction.atomic
def move_back(
    *, actor, case: Case, note: str = "", from_stage: str | None = None, scope: Scope | None = None
) -> Case:
    """Undo the last step forward, to correct a mistake; the history keeps both."""
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case, active=True)
    _check_from_stage(case, from_stage)
    if case.stage_index == 0:
        fail(errors.FIRST_STAGE, "first_stage")
    before = audit.snapshot(case, CASE_FIELDS)
    case.stage = STAGES[case.stage_index - 1]
    case.save(update_fields=["stage", "updated_at"])
    _event(case, kind=Kind.BACK, on=today(), note=note, actor=actor)
    _record(case, actor=actor, operation="move_back", before=before, reason=note)
    return case


def _change_state(*, actor, case: Case, on: dt.date, state: str, reason: str, kind: str) -> Case:
    before = audit.snapshot(case, CASE_FIELDS)
    _check_step_date(case, on)
    case.state = state
    case.state_reason = nfc(reason)[:500]
    case.save(update_fields=["state", "state_reason", "updated_at"])
    _event(case, kind=kind, on=on, note=reason, actor=actor)
    _record(case, actor=actor, operation=kind, before=before, reason=reason, on=on.isoformat())
    return case


def _required_reason(reason: str) -> str:
    reason = nfc(reason)
    if not reason:
        fail(errors.REASON_REQUIRED, "reason_required")
    return reason


@transaction.atomic
def pause(*, actor, case: Case, on: dt.date, reason: str, scope: Scope | None = None) -> Case:
    """The work waits (the enterprise asked for time, the board fell apart, …)."""
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case)
    if case.state == State.PAUSED:
        fail(errors.ALREADY_PAUSED, "already_paused", enterprise=case.enterprise.name)
    reason = _required_reason(reason)
    return _change_state(
        actor=actor, case=case, on=on, state=State.PAUSED, reason=reason, kind=Kind.PAUSED
    )


@transaction.atomic
def resume(*, actor, case: Case, on: dt.date, note: str = "", scope: Scope | None = None) -> Case:
    """A paused case goes on from the stage it was at."""
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case)
    if case.state != State.PAUSED:
        fail(errors.NOT_PAUSED, "not_paused", enterprise=case.enterprise.name)
    return _change_state(
        actor=actor, case=case, on=on, state=State.ACTIVE, reason=note, kind=Kind.RESUMED
    )


@transaction.atomic
def stop(*, actor, case: Case, on: dt.date, reason: str, scope: Scope | None = None) -> Case:
    """End the campaign without a union; a new case may be opened for the enterprise later."""
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case)
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
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case)
    next_step = nfc(next_step)[:500]
    if due is not None and not next_step:
        fail(errors.NEXT_STEP_REQUIRED, "next_step_required")
    if due is not None and due < case.opened_on:
        fail(
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
        _record(case, actor=actor, operation="next_step", before=before)
    return case


# --- applicants ----------------------------------------------------------------------------


def _clean_applicant(applicant: Applicant) -> None:
    applicant.full_name = nfc(applicant.full_name)
    if not applicant.full_name:
        fail(errors.NAME_REQUIRED, "name_required")
    if applicant.gender not in Gender.values:
        fail(errors.GENDER_REQUIRED, "gender_required")
    if applicant.birth_date is not None:
        if applicant.birth_date > today():
            fail(errors.BIRTH_IN_FUTURE, "birth_in_future", date=format_date(applicant.birth_date))
        applicant.birth_year = applicant.birth_date.year
    if not applicant.birth_year:
        fail(errors.BIRTH_REQUIRED, "birth_required")
    applicant.national_id = (
        clean_cccd(applicant.national_id, gender=applicant.gender, birth_year=applicant.birth_year)
        if applicant.national_id not in (None, "")
        else None
    )
    applicant.phone = nfc(applicant.phone)[:20]
    applicant.position = nfc(applicant.position)[:200]
    check_date(applicant.applied_on)
    age = member_rules.age_on(applicant, applicant.applied_on)
    if age < settings.MEMBERS_MIN_AGE:
        fail(
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
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case)
    applicant = Applicant(
        case=case, full_name=full_name, gender=gender, birth_date=birth_date,
        birth_year=birth_year, national_id=national_id, phone=phone or "",
        position=position or "", applied_on=applied_on,
    )  # fmt: skip
    _clean_applicant(applicant)
    if applicant.national_id and (
        twin := case.applicants.filter(national_id=applicant.national_id).first()
    ):
        fail(
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
    case = _lock(applicant.case)
    check_may_run(case.owner, scope)
    _check_open(case)
    applicant = Applicant.objects.select_for_update().filter(pk=applicant.pk, case=case).first()
    if applicant is None:
        fail(errors.APPLICANT_NOT_IN_CASE, "applicant_not_in_case")
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


# --- recognition ---------------------------------------------------------------------------


def congress_on(case: Case) -> dt.date | None:
    """The date of the founding congress: when the case reached that stage."""
    held = [
        e.on for e in live_events(case) if e.kind == Kind.ADVANCED and e.stage == Stage.CONGRESS
    ]
    return held[-1] if held else None


def new_union_code(owner: Unit) -> str:
    """The next free code under the owner: DA-0001, DA-0002, …"""
    prefix = f"{owner.code}-"
    numbers = [
        int(suffix)
        for code in Unit.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if (suffix := code[len(prefix) :]).isdigit() and len(suffix) == 4
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _member_fields(enterprise: Enterprise) -> dict:
    fields = {"employer_name": enterprise.name}
    # Members link to the enterprise registry where that field exists.
    if "enterprise" in member_services.PERSON_FIELDS:
        fields["enterprise"] = enterprise
    return fields


def _admit(*, actor, applicant: Applicant, case: Case, union: Unit, on: dt.date, note: str):
    """The member the applicant becomes: a new person, or the one their national ID names."""
    existing = (
        Member.objects.filter(national_id=applicant.national_id).first()
        if applicant.national_id
        else None
    )
    if existing is not None and search_key(existing.full_name) != search_key(applicant.full_name):
        fail(errors.APPLICANT_OTHER_PERSON, "applicant_other_person", name=applicant.full_name)
    employer = _member_fields(case.enterprise)
    try:
        if existing is None:
            member = member_services.register_member(
                actor=actor,
                full_name=applicant.full_name,
                gender=applicant.gender,
                birth_date=applicant.birth_date,
                birth_year=applicant.birth_year,
                national_id=applicant.national_id,
                phone=applicant.phone,
                **employer,
            )
            member_services.admit_member(actor=actor, member=member, unit=union, on=on, note=note)
            return member
        member = existing
        if member_rules.last_span(member) is None:
            member_services.admit_member(actor=actor, member=member, unit=union, on=on, note=note)
        else:
            member_services.readmit_member(actor=actor, member=member, unit=union, on=on, note=note)
        return member_services.update_member(actor=actor, member=member, reason=note, **employer)
    except ValidationError as error:
        fail(
            errors.APPLICANT_REFUSED,
            "applicant_refused",
            name=applicant.full_name,
            reason=" ".join(error.messages),
        )


@transaction.atomic
def recognise(
    *,
    actor,
    case: Case,
    decision_number: str,
    decision_date: dt.date,
    union_code: str = "",
    union_name: str = "",
    scope: Scope | None = None,
) -> Case:
    """Record the recognition decision: found the grassroots union under the owner, link it
    to the enterprise and admit every applicant from the decision date — or do nothing."""
    case = _lock(case)
    check_may_run(case.owner, scope)
    _check_open(case, active=True)
    if case.stage != Stage.CONGRESS:
        fail(errors.NOT_AT_CONGRESS, "not_at_congress", stage=_STAGE_LABELS[case.stage])
    decision_number = nfc(decision_number)[:100]
    if not decision_number:
        fail(errors.DECISION_NUMBER_REQUIRED, "decision_number_required")
    check_date(decision_date)
    congress = congress_on(case) or case.opened_on
    if decision_date < congress:
        fail(
            errors.DECISION_BEFORE_CONGRESS,
            "decision_before_congress",
            date=format_date(decision_date),
            congress=format_date(congress),
        )
    applicants = list(case.applicants.order_by("applied_on", "pk"))
    if len(applicants) < min_applicants():
        fail(
            errors.TOO_FEW_APPLICANTS,
            "too_few_applicants",
            min=min_applicants(),
            count=len(applicants),
        )
    enterprise = case.enterprise
    check_operating(enterprise, decision_date)
    reason = f"{decision_number} ({format_date(decision_date)})"
    union = org_services.create_unit(
        actor=actor,
        code=union_code or new_union_code(case.owner),
        name=nfc(union_name) or f"CĐCS {enterprise.name}"[:255],
        kind=UnitKind.GRASSROOTS,
        parent=case.owner,
        on=decision_date,
        reason=reason,
    )
    enterprise_services.link_union(
        actor=actor, enterprise=enterprise, union=union, on=decision_date, scope=scope,
        reason=reason,
    )  # fmt: skip
    for applicant in applicants:
        member = _admit(
            actor=actor, applicant=applicant, case=case, union=union, on=decision_date,
            note=reason,
        )  # fmt: skip
        applicant.member = member
        applicant.save(update_fields=["member"])
    before = audit.snapshot(case, CASE_FIELDS)
    case.stage = Stage.RECOGNISED
    case.decision_number, case.decision_date, case.union = decision_number, decision_date, union
    case.next_step, case.next_step_due = "", None
    case.save()
    _event(case, kind=Kind.RECOGNISED, on=decision_date, note=reason, actor=actor)
    _record(
        case, actor=actor, operation="recognise", before=before, reason=reason,
        members=len(applicants),
    )  # fmt: skip
    return case
