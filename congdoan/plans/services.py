"""The only writers of indicators, plans, their periods, documents and targets.

Each service validates, writes in one transaction and records an audit entry. Callers
acting for a user pass their `scope`; `scope=None` is the system (demo data, imports run by
an administrator on the command line) and skips the permission checks.

Who sets a target (see `rules.check_may_set`): the plan owner's managers set the owner unit's
own target; every other unit's target is set by the managers of the unit directly above it
*as the structure stood on the first day of the period*, or by an administrator. The
period's start is used, not today, so a target for 2022 is split along the 2022 tree even
after the 2025 reform ended the district federations.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from congdoan.accounts.scope import MANAGE_ROLES, Scope
from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.core.text import nfc
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit
from congdoan.plans import errors, rules
from congdoan.plans.models import (
    Aggregation,
    Direction,
    Indicator,
    Measure,
    Period,
    Plan,
    PlanDocument,
    Source,
    Target,
    TargetChange,
)
from congdoan.plans.split import mismatch as split_mismatch

Action = audit.AuditEntry.Action
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt")
DOCUMENT_MAX_MB = 20
INDICATOR_FIELDS = (
    "code",
    "name",
    "measure",
    "direction",
    "aggregation",
    "source",
    "calculator",
    "formula",
    "numerator_id",
    "denominator_id",
    "min_workers",
)
PLAN_FIELDS = ("code", "title", "owner_id", "starts_on", "ends_on", "status")


# --- indicators ----------------------------------------------------------------------------


def _clean_definition(
    code, measure, direction, aggregation, source, calculator, formula, numerator, denominator,
    *, itself: Indicator | None = None,
):  # fmt: skip
    """Check how an indicator is measured, obtained and aggregated; return its calculator,
    formula, numerator and denominator with those that do not go with its source cleared."""
    for value, choices, field in (
        (measure, Measure, "measure"),
        (direction, Direction, "direction"),
        (aggregation, Aggregation, "aggregation"),
        (source, Source, "source"),
    ):
        rules.check_choice(value, choices, field)
    calculator, formula = (calculator or "").strip(), (formula or "").strip()
    # Only the field that goes with the source is kept: a stale formula on a reported
    # indicator would mislead whoever reads it later.
    if source == Source.COMPUTED:
        if not calculator:
            rules.fail(errors.CALCULATOR_REQUIRED, "calculator_required")
        rules.check_calculator(calculator)
        formula = ""
    elif source == Source.FORMULA:
        if not formula:
            rules.fail(errors.FORMULA_REQUIRED, "formula_required")
        rules.check_formula(code, formula)
        calculator = ""
    else:
        calculator = formula = ""
    if aggregation != Aggregation.RATIO:
        return calculator, formula, None, None
    if numerator is None or denominator is None:
        rules.fail(errors.RATIO_PARTS_REQUIRED, "ratio_parts_required")
    parts = {numerator.pk, denominator.pk}
    if len(parts) < 2 or (itself is not None and itself.pk in parts):
        rules.fail(errors.RATIO_PARTS_SAME, "ratio_parts_same")
    rules.check_ratio_part(numerator)
    rules.check_ratio_part(denominator)
    return calculator, formula, numerator, denominator


@transaction.atomic
def create_indicator(
    *,
    actor,
    code: str,
    name: str,
    measure: str,
    source: str,
    direction: str = Direction.HIGHER,
    aggregation: str = Aggregation.SUM,
    calculator: str = "",
    formula: str = "",
    numerator: Indicator | None = None,
    denominator: Indicator | None = None,
    min_workers: int | None = None,
    scope: Scope | None = None,
    reason: str = "",
) -> Indicator:
    """Define an indicator: computed by a built-in calculator, reported, or a formula."""
    if scope is not None and not (scope.is_everything or scope.role in MANAGE_ROLES):
        rules.fail(errors.NOT_ALLOWED_INDICATORS, "not_allowed")
    code, name = (code or "").strip(), nfc(name or "")
    if not CODE_RE.match(code):
        rules.fail(errors.CODE_INVALID, "code_invalid", code=code)
    if (other := Indicator.objects.filter(code__iexact=code).first()) is not None:
        rules.fail(errors.CODE_TAKEN, "code_taken", code=code, other=other)
    if not name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    calculator, formula, numerator, denominator = _clean_definition(
        code, measure, direction, aggregation, source, calculator, formula, numerator, denominator
    )
    indicator = Indicator.objects.create(
        code=code,
        name=name,
        measure=measure,
        direction=direction,
        aggregation=aggregation,
        source=source,
        calculator=calculator,
        formula=formula,
        numerator=numerator,
        denominator=denominator,
        min_workers=min_workers,
    )
    audit.record(
        actor=actor,
        obj=indicator,
        action=Action.CREATE,
        after=audit.snapshot(indicator, INDICATOR_FIELDS),
        reason=reason,
    )
    return indicator


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
    name = Path(file.name or "").name
    if Path(name).suffix.lower() not in DOCUMENT_EXTENSIONS:
        rules.fail(
            errors.DOCUMENT_TYPE,
            "document_type",
            name=name,
            allowed=", ".join(DOCUMENT_EXTENSIONS),
        )
    if file.size > DOCUMENT_MAX_MB * 1024 * 1024:
        rules.fail(errors.DOCUMENT_TOO_BIG, "document_too_big", name=name, limit=DOCUMENT_MAX_MB)
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


# --- targets -------------------------------------------------------------------------------


def _write_target(
    *, actor, plan, indicator, unit, period, value: Decimal, reason: str, operation: str
) -> Target:
    target = (
        Target.objects.select_for_update()
        .filter(plan=plan, indicator=indicator, unit=unit, period=period)
        .first()
    )
    before = target.value if target is not None else None
    if target is not None and before == value:
        return target
    if target is None:
        target = Target(plan=plan, indicator=indicator, unit=unit, period=period)
    target.value = value
    target.save()
    TargetChange.objects.create(target=target, before=before, after=value, actor=_user(actor),
                                reason=reason)  # fmt: skip
    audit.record(
        actor=actor,
        obj=target,
        action=Action.CREATE if before is None else Action.UPDATE,
        operation=operation,
        before=None if before is None else {"value": str(before)},
        after={
            "plan": plan.code,
            "indicator": indicator.code,
            "unit": unit.code,
            "period": period.label,
            "value": str(value),
        },
        reason=reason,
    )
    return target


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) is not None else None


@transaction.atomic
def set_target(
    *,
    actor,
    plan: Plan,
    indicator: Indicator,
    unit: Unit,
    period: Period,
    value,
    reason: str = "",
    scope: Scope | None = None,
) -> Target:
    """Set one unit's target; kept in the target's history with who, when and why."""
    rules.check_plan_parts(plan, indicator, period)
    value = rules.clean_value(value)
    on = period.starts_on
    forest = org_selectors.tree_as_of(on)
    parent_id = rules.parent_in_plan(plan, unit, on, forest)
    rules.check_may_set(scope, plan, unit, parent_id, on)
    return _write_target(
        actor=actor,
        plan=plan,
        indicator=indicator,
        unit=unit,
        period=period,
        value=value,
        reason=reason,
        operation="set_target",
    )


@dataclass(frozen=True)
class SplitResult:
    targets: list[Target]
    # The parent's own target (None when it has none yet), and what its children's targets
    # lack to make it: total − sum. None when the indicator does not add up (ratio, none)
    # or the parent has no target.
    total: Decimal | None
    mismatch: Decimal | None


@transaction.atomic
def apply_split(
    *,
    actor,
    plan: Plan,
    indicator: Indicator,
    parent_unit: Unit,
    period: Period,
    values: dict[int, object],
    reason: str = "",
    scope: Scope | None = None,
) -> SplitResult:
    """Set the targets of `parent_unit`'s children (unit id → value) all at once.

    All or nothing: one value refused refuses the whole split. A total that does not add up
    is not refused — the mismatch is returned and recorded so pages can show it.
    """
    rules.check_plan_parts(plan, indicator, period)
    on = period.starts_on
    forest = org_selectors.tree_as_of(on)
    rules.parent_in_plan(plan, parent_unit, on, forest)
    children = {node.id for node in forest.children_of(parent_unit.pk)}
    units = Unit.objects.in_bulk(list(values))
    rules.check_may_split(scope, parent_unit, on, [units.get(i, i) for i in values], children)
    cleaned = {unit_id: rules.clean_value(value) for unit_id, value in values.items()}
    targets = [
        _write_target(
            actor=actor,
            plan=plan,
            indicator=indicator,
            unit=units[unit_id],
            period=period,
            value=value,
            reason=reason,
            operation="apply_split",
        )
        for unit_id, value in cleaned.items()
    ]
    total = (
        Target.objects.filter(plan=plan, indicator=indicator, unit=parent_unit, period=period)
        .values_list("value", flat=True)
        .first()
    )
    gap = None
    if indicator.aggregation == Aggregation.SUM and total is not None:
        parts = Target.objects.filter(
            plan=plan, indicator=indicator, period=period, unit_id__in=children
        ).values_list("unit_id", "value")
        gap = split_mismatch(total, dict(parts))
    audit.record(
        actor=actor,
        obj=plan,
        action=Action.UPDATE,
        operation="apply_split",
        after={
            "indicator": indicator.code,
            "parent": parent_unit.code,
            "period": period.label,
            "values": {units[k].code: str(v) for k, v in cleaned.items()},
            "total": None if total is None else str(total),
            "mismatch": None if gap is None else str(gap),
        },
        reason=reason,
    )
    return SplitResult(targets=targets, total=total, mismatch=gap)


# --- editing plans and indicators; many targets at once ------------------------------------


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


@transaction.atomic
def update_indicator(
    *,
    actor,
    indicator: Indicator,
    name: str,
    measure: str,
    source: str,
    direction: str = Direction.HIGHER,
    aggregation: str = Aggregation.SUM,
    calculator: str = "",
    formula: str = "",
    numerator: Indicator | None = None,
    denominator: Indicator | None = None,
    min_workers: int | None = None,
    scope: Scope | None = None,
    reason: str = "",
) -> Indicator:
    """Correct an indicator; its code stays, since formulas name it. Checked as on creation."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    rules.check_may_edit_indicator(scope, indicator)
    name = nfc(name or "")
    if not name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    calculator, formula, numerator, denominator = _clean_definition(
        indicator.code, measure, direction, aggregation, source, calculator, formula,
        numerator, denominator, itself=indicator,
    )  # fmt: skip
    before = audit.snapshot(indicator, INDICATOR_FIELDS)
    indicator.name, indicator.measure, indicator.direction = name, measure, direction
    indicator.aggregation, indicator.source = aggregation, source
    indicator.calculator, indicator.formula = calculator, formula
    indicator.numerator, indicator.denominator = numerator, denominator
    indicator.min_workers = min_workers
    indicator.save()
    after = audit.snapshot(indicator, INDICATOR_FIELDS)
    if after != before:
        audit.record(
            actor=actor,
            obj=indicator,
            action=Action.UPDATE,
            before=before,
            after=after,
            reason=reason,
        )
    return indicator


@dataclass(frozen=True)
class CellChange:
    """One cell of the target grid: the value typed, and the value the user saw."""

    unit: Unit
    period: Period
    value: object
    expected: Decimal | None


def cell_key(unit_id: int, period_id: int) -> str:
    return f"{unit_id}-{period_id}"


@transaction.atomic
def set_targets(
    *,
    actor,
    plan: Plan,
    indicator: Indicator,
    changes: list[CellChange],
    reason: str = "",
    scope: Scope | None = None,
) -> list[Target]:
    """Set many targets of one indicator at once (the grid), all or nothing.

    Refused as a whole when a target changed since the user saw it (code "stale"), or when
    any one change is refused: the ValidationError then maps `cell_key(unit, period)` to
    that cell's errors.
    """
    found = Target.objects.select_for_update().filter(
        plan=plan,
        indicator=indicator,
        unit__in=[c.unit.pk for c in changes],
        period__in=[c.period.pk for c in changes],
    )
    now = {(t.unit_id, t.period_id): t.value for t in found}
    stale = [c for c in changes if now.get((c.unit.pk, c.period.pk)) != c.expected]
    if stale:
        cells = "; ".join(f"{c.unit.name} – {c.period.label}" for c in stale)
        rules.fail(errors.TARGET_CELLS_STALE, "stale", cells=cells)
    refused, targets = {}, []
    for change in changes:
        try:
            with transaction.atomic():
                targets.append(
                    set_target(
                        actor=actor,
                        plan=plan,
                        indicator=indicator,
                        unit=change.unit,
                        period=change.period,
                        value=change.value,
                        reason=reason,
                        scope=scope,
                    )
                )
        except ValidationError as error:
            refused[cell_key(change.unit.pk, change.period.pk)] = error
    if refused:
        raise ValidationError(refused)
    return targets
