"""The only writers of plans, their periods and documents (indicators: indicator_services;
targets: target_services).

Each service validates, writes in one transaction and records an audit entry. Callers
acting for a user pass their `scope`; `scope=None` is the system (demo data, imports run by
an administrator on the command line) and skips the permission checks.
"""

import datetime as dt
from pathlib import Path

from django.db import transaction

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.core.text import nfc
from congdoan.org.models import Unit
from congdoan.plans import errors, rules
from congdoan.plans.models import (
    Period,
    Plan,
    PlanDocument,
)

Action = audit.AuditEntry.Action
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt")
DOCUMENT_MAX_MB = 20
PLAN_FIELDS = ("code", "title", "owner_id", "starts_on", "ends_on", "status")


# --- plans, periods, documents -------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    actor,
    code: str,
    title: str,
    owner: Unit,
    starts_on: dt.date,
    ends_on: dt.date,
    indicators=(),
    status: str = Plan.Status.DRAFT,
    scope: Scope | None = None,
    reason: str = "",
) -> Plan:
    """A plan of `owner` (a unit the user manages, their own included) over its dates."""
    if scope is not None and not scope.can_place_under(owner):
        rules.fail(errors.OWNER_OUTSIDE_SCOPE, "outside_scope", unit=owner)
    code, title = nfc(code or ""), nfc(title or "")
    rules.check_plan_code(code)
    if (other := Plan.objects.filter(code__iexact=code).first()) is not None:
        rules.fail(errors.PLAN_CODE_TAKEN, "code_taken", code=code, other=other)
    if not title:
        rules.fail(errors.TITLE_REQUIRED, "title_required")
    rules.check_dates(starts_on, ends_on)
    rules.check_choice(status, Plan.Status, "status")
    plan = Plan.objects.create(
        code=code, title=title, owner=owner, starts_on=starts_on, ends_on=ends_on, status=status
    )
    plan.indicators.set(indicators)
    audit.record(
        actor=actor,
        obj=plan,
        action=Action.CREATE,
        after={
            **audit.snapshot(plan, PLAN_FIELDS),
            "indicators": sorted(i.code for i in plan.indicators.all()),
        },
        reason=reason,
    )
    return plan


@transaction.atomic
def add_period(
    *,
    actor,
    plan: Plan,
    label: str,
    starts_on: dt.date,
    ends_on: dt.date,
    kind: str = Period.Kind.YEAR,
    scope: Scope | None = None,
    reason: str = "",
) -> Period:
    """A year or a phase inside the plan's dates, with a label unique in the plan."""
    rules.check_manages_plan(plan, scope)
    label = nfc(label or "")
    if not label:
        rules.fail(errors.LABEL_REQUIRED, "label_required")
    rules.check_dates(starts_on, ends_on)
    rules.check_choice(kind, Period.Kind, "kind")
    if starts_on < plan.starts_on or ends_on > plan.ends_on:
        rules.fail(
            errors.PERIOD_OUTSIDE_PLAN,
            "period_outside_plan",
            start=format_date(starts_on),
            end=format_date(ends_on),
            plan_start=format_date(plan.starts_on),
            plan_end=format_date(plan.ends_on),
        )
    if plan.periods.filter(label=label).exists():
        rules.fail(errors.PERIOD_LABEL_TAKEN, "period_label_taken", label=label)
    period = Period.objects.create(
        plan=plan, label=label, starts_on=starts_on, ends_on=ends_on, kind=kind
    )
    audit.record(
        actor=actor,
        obj=plan,
        action=Action.UPDATE,
        operation="add_period",
        after={
            "period": label,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "kind": kind,
        },
        reason=reason,
    )
    return period


@transaction.atomic
def attach_document(
    *,
    actor,
    plan: Plan,
    file,
    title: str,
    kind: str = PlanDocument.Kind.OTHER,
    scope: Scope | None = None,
    reason: str = "",
) -> PlanDocument:
    """Attach a source document (PDF, Word or OpenDocument text, at most 20 MB)."""
    rules.check_manages_plan(plan, scope)
    name = rules.check_upload(
        file, extensions=DOCUMENT_EXTENSIONS, max_mb=DOCUMENT_MAX_MB,
        not_allowed=errors.DOCUMENT_TYPE, kind="document",
    )  # fmt: skip
    title = nfc(title or "") or Path(name).stem
    if not title:
        rules.fail(errors.DOCUMENT_TITLE_REQUIRED, "title_required")
    rules.check_choice(kind, PlanDocument.Kind, "kind")
    document = PlanDocument.objects.create(plan=plan, file=file, title=title, kind=kind)
    audit.record(
        actor=actor,
        obj=plan,
        action=Action.UPDATE,
        operation="attach_document",
        after={"document": document.pk, "title": title, "kind": kind, "file": document.file.name},
        reason=reason,
    )
    return document


# --- editing plans -------------------------------------------------------------------------


def _plan_state(plan: Plan) -> dict:
    return {
        **audit.snapshot(plan, PLAN_FIELDS),
        "indicators": sorted(i.code for i in plan.indicators.all()),
    }


@transaction.atomic
def update_plan(
    *,
    actor,
    plan: Plan,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    indicators=(),
    scope: Scope | None = None,
    reason: str = "",
) -> Plan:
    """Correct a plan's title, dates and indicators; a closed plan no longer changes.

    The dates must still hold every period, and an indicator with targets stays."""
    rules.check_manages_plan(plan, scope)
    plan = Plan.objects.select_for_update().select_related("owner").get(pk=plan.pk)
    if plan.status == Plan.Status.CLOSED:
        rules.fail(errors.PLAN_NOT_EDITABLE, "plan_closed", plan=plan)
    title = nfc(title or "")
    if not title:
        rules.fail(errors.TITLE_REQUIRED, "title_required")
    rules.check_dates(starts_on, ends_on)
    for period in plan.periods.all():
        if period.starts_on < starts_on or period.ends_on > ends_on:
            rules.fail(
                errors.PLAN_DATES_CUT_PERIODS,
                "dates_cut_periods",
                start=format_date(starts_on),
                end=format_date(ends_on),
                period=period.label,
            )
    indicators = list(indicators)
    dropped = plan.indicators.exclude(pk__in=[i.pk for i in indicators])
    for indicator in dropped:
        if plan.targets.filter(indicator=indicator).exists():
            rules.fail(errors.INDICATOR_HAS_TARGETS, "indicator_has_targets", indicator=indicator)
    before = _plan_state(plan)
    plan.title, plan.starts_on, plan.ends_on = title, starts_on, ends_on
    plan.save(update_fields=["title", "starts_on", "ends_on"])
    plan.indicators.set(indicators)
    after = _plan_state(plan)
    if after != before:
        audit.record(
            actor=actor, obj=plan, action=Action.UPDATE, before=before, after=after, reason=reason
        )
    return plan


@transaction.atomic
def change_plan_status(
    *, actor, plan: Plan, status: str, scope: Scope | None = None, reason: str = ""
) -> Plan:
    """Move a plan forward: draft → in force → closed (a closed plan's targets stay fixed)."""
    rules.check_manages_plan(plan, scope)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    rules.check_status_step(plan, status)
    before = plan.status
    plan.status = status
    plan.save(update_fields=["status"])
    audit.record(
        actor=actor,
        obj=plan,
        action=Action.UPDATE,
        operation="change_status",
        before={"status": before},
        after={"status": status},
        reason=reason,
    )
    return plan
