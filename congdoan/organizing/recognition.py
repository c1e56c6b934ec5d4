"""Recognition of a founding campaign: the union is founded under the case's owner, linked to
the enterprise, and the applicants are admitted from the decision date, in one transaction:
all of it, or nothing.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.core.text import nfc, search_key
from congdoan.enterprises import services as enterprise_services
from congdoan.enterprises.models import Enterprise
from congdoan.members import rules as member_rules
from congdoan.members import services as member_services
from congdoan.members.models import Member
from congdoan.org import services as org_services
from congdoan.org.kinds import UnitKind
from congdoan.org.models import Unit
from congdoan.organizing import errors, rules
from congdoan.organizing.models import Applicant, Case, Stage, StageEvent
from congdoan.organizing.services import CASE_FIELDS, add_event, lock, record

Action = audit.AuditEntry.Action
Kind = StageEvent.Kind


def congress_on(case: Case) -> dt.date | None:
    """The date of the founding congress: when the case reached that stage."""
    held = [
        e.on
        for e in rules.live_events(case)
        if e.kind == Kind.ADVANCED and e.stage == Stage.CONGRESS
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
        rules.fail(
            errors.APPLICANT_OTHER_PERSON, "applicant_other_person", name=applicant.full_name
        )
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
        rules.fail(
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
    case = lock(case)
    rules.check_may_run(case.owner, scope)
    rules.check_open(case, active=True)
    if case.stage != Stage.CONGRESS:
        rules.fail(errors.NOT_AT_CONGRESS, "not_at_congress", stage=rules.STAGE_LABELS[case.stage])
    decision_number = nfc(decision_number)[:100]
    if not decision_number:
        rules.fail(errors.DECISION_NUMBER_REQUIRED, "decision_number_required")
    rules.check_date(decision_date)
    congress = congress_on(case) or case.opened_on
    if decision_date < congress:
        rules.fail(
            errors.DECISION_BEFORE_CONGRESS,
            "decision_before_congress",
            date=format_date(decision_date),
            congress=format_date(congress),
        )
    applicants = list(case.applicants.order_by("applied_on", "pk"))
    if len(applicants) < rules.min_applicants():
        rules.fail(
            errors.TOO_FEW_APPLICANTS,
            "too_few_applicants",
            min=rules.min_applicants(),
            count=len(applicants),
        )
    enterprise = case.enterprise
    rules.check_operating(enterprise, decision_date)
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
    add_event(case, kind=Kind.RECOGNISED, on=decision_date, note=reason, actor=actor)
    record(
        case, actor=actor, operation="recognise", before=before, reason=reason,
        members=len(applicants),
    )  # fmt: skip
    return case
