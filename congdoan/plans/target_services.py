"""The only writers of targets: one at a time, a parent's split, or a grid of cells.

Who sets a target (see `rules.check_may_set`): the plan owner's managers set the owner unit's
own target; every other unit's target is set by the managers of the unit directly above it
*as the structure stood on the first day of the period*, or by an administrator. The
period's start is used, not today, so a target for 2022 is split along the 2022 tree even
after the 2025 reform ended the district federations. Every change keeps a TargetChange row
and an audit entry; `scope=None` is the system.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit
from congdoan.plans import errors, rules
from congdoan.plans.models import (
    Aggregation,
    Indicator,
    Period,
    Plan,
    Target,
    TargetChange,
)
from congdoan.plans.split import mismatch as split_mismatch

Action = audit.AuditEntry.Action


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
    TargetChange.objects.create(
        target=target, before=before, after=value, actor=audit.user_or_none(actor), reason=reason
    )
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
