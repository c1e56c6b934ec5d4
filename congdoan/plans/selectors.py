"""Reads of plans and targets: the split wizard's inputs and proposals, the target grid."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from congdoan.accounts.scope import Scope
from congdoan.enterprises import selectors as enterprise_selectors
from congdoan.enterprises.models import Enterprise
from congdoan.members.selectors import count_members, spans_on
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit
from congdoan.plans import split
from congdoan.plans.calculators import AT_DATE, CALCULATORS
from congdoan.plans.models import Indicator, Period, Plan, Source, Target

METHODS = ("members", "potential", "growth", "hand")


def children_of(unit: Unit, on: dt.date) -> list[Unit]:
    """The units directly under `unit` on `on`, in the tree's order (by name)."""
    nodes = org_selectors.tree_as_of(on).children_of(unit.pk)
    units = Unit.objects.in_bulk([node.id for node in nodes])
    return [units[node.id] for node in nodes]


# --- the split wizard ----------------------------------------------------------------------


@dataclass(frozen=True)
class SplitInput:
    """What the wizard knows of one child on the first day of the period."""

    unit: Unit
    current: Decimal | None  # the indicator's value as the period starts; see current_value
    members: int
    potential: int
    target: Decimal | None  # the child's target already set, if any


def potential_of(unit: Unit, on: dt.date) -> int:
    """Workers who could still join under `unit` on `on`: workers of operating enterprises
    without a union in its area, plus workers not yet members in enterprises whose union
    lies in its subtree (never below zero per enterprise group). Enterprises of unknown
    size count 0."""
    forest = org_selectors.tree_as_of(on)
    operating = enterprise_selectors.with_figures_on(
        enterprise_selectors.enterprises_under(unit, on), on
    )
    unorganised = operating.filter(union_id__isnull=True).aggregate(n=Sum("workers"))["n"] or 0
    # Organised enterprises are found through their union, not their area: a grassroots
    # union's enterprise lies in its district's area, not under the union itself.
    subtree = forest.subtree_ids(unit.pk)
    organised = (
        enterprise_selectors.with_figures_on(Enterprise.objects.all(), on)
        .filter(union_id__in=subtree)
        .values_list("union_id", "workers")
    )
    workers_by_union: dict[int, int] = {}
    for union_id, workers in organised:
        workers_by_union[union_id] = workers_by_union.get(union_id, 0) + (workers or 0)
    members = dict(
        spans_on(on)
        .filter(unit_id__in=list(workers_by_union))
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    outside = sum(max(0, w - members.get(u, 0)) for u, w in workers_by_union.items())
    return unorganised + outside


def current_value(indicator: Indicator, unit: Unit, period: Period) -> Decimal | None:
    """The indicator's value for `unit` as the period starts, the base its growth is
    measured from: an at-date figure on the first day; an in-period figure over the span of
    the same length just before the period. None when it cannot be computed (reported and
    formula indicators until the reports app gives their last reported value)."""
    calculator = CALCULATORS.get(indicator.calculator) if indicator.calculator else None
    if indicator.source != Source.COMPUTED or calculator is None:
        return None
    start = period.starts_on
    if calculator.kind == AT_DATE:
        return calculator.compute(unit, start, start, min_workers=indicator.min_workers)
    before = start - dt.timedelta(days=1)
    length = period.ends_on - period.starts_on
    return calculator.compute(unit, before - length, before, min_workers=indicator.min_workers)


def split_inputs(
    plan: Plan, indicator: Indicator, parent: Unit, period: Period
) -> list[SplitInput]:
    """For each child of `parent` at the period's start: members, potential, the current
    value and the target already set."""
    on = period.starts_on
    children = children_of(parent, on)
    targets = dict(
        Target.objects.filter(
            plan=plan, indicator=indicator, period=period, unit__in=children
        ).values_list("unit_id", "value")
    )
    rows = []
    for child in children:
        members = count_members(unit=child, on=on, structure="as-was").members
        rows.append(
            SplitInput(
                unit=child,
                current=current_value(indicator, child, period),
                members=members,
                potential=potential_of(child, on),
                target=targets.get(child.pk),
            )
        )
    return rows


def proposals(
    method: str, total, inputs: list[SplitInput], *, step: Decimal = split.ONE
) -> list[split.Proposal]:
    """The wizard's proposal for each child: its current value, the proposed target and
    the growth it implies. `hand` proposes the targets already set (None if none)."""
    if method == "members":
        parts = split.split_proportional(total, {i.unit.pk: i.members for i in inputs}, step=step)
    elif method == "potential":
        parts = split.split_proportional(total, {i.unit.pk: i.potential for i in inputs}, step=step)
    elif method == "growth":
        parts = split.split_same_growth(total, {i.unit.pk: i.current for i in inputs}, step=step)
    elif method == "hand":
        parts = split.split_by_hand({i.unit.pk: i.target for i in inputs})
    else:
        raise ValueError(f"unknown split method {method!r}")
    return [
        split.Proposal(
            key=i.unit.pk,
            current=i.current,
            proposed=parts.get(i.unit.pk),
            growth=split.growth(i.current, parts.get(i.unit.pk)),
        )
        for i in inputs
    ]


# --- the grid of targets -------------------------------------------------------------------


@dataclass
class GridRow:
    unit: Unit
    values: dict[int, Decimal | None]  # period id → target
    # period id → the target minus the sum of its children's targets (summed indicators,
    # and only where both the unit and at least one child have a target).
    mismatch: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class TargetGrid:
    periods: list[Period]
    rows: list[GridRow]


def target_grid(plan: Plan, indicator: Indicator, scope: Scope | None = None) -> TargetGrid:
    """Units × periods of the plan's targets for `indicator`, with each parent's mismatch."""
    periods = list(plan.periods.order_by("starts_on", "-ends_on"))
    targets = Target.objects.filter(plan=plan, indicator=indicator).select_related("unit")
    if scope is not None:
        targets = scope.filter(targets)
    values: dict[int, dict[int, Decimal]] = {}
    units: dict[int, Unit] = {}
    for target in targets:
        units[target.unit_id] = target.unit
        values.setdefault(target.unit_id, {})[target.period_id] = target.value
    rows = {
        unit_id: GridRow(unit=unit, values={p.pk: values[unit_id].get(p.pk) for p in periods})
        for unit_id, unit in units.items()
    }
    if indicator.is_summed:
        for period in periods:
            forest = org_selectors.tree_as_of(period.starts_on)
            for unit_id, row in rows.items():
                total = row.values.get(period.pk)
                kids = {
                    node.id: values[node.id][period.pk]
                    for node in forest.children_of(unit_id)
                    if period.pk in values.get(node.id, {})
                }
                if total is not None and kids:
                    row.mismatch[period.pk] = split.mismatch(total, kids)
    ordered = sorted(rows.values(), key=lambda r: r.unit.path)
    return TargetGrid(periods=periods, rows=ordered)
