"""Reads of plans and targets: the split wizard's inputs and proposals, the target grid."""

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from congdoan.accounts.scope import Scope
from congdoan.enterprises import selectors as enterprise_selectors
from congdoan.enterprises.models import Enterprise, UnionLink
from congdoan.enterprises.rules import valid_on
from congdoan.members.selectors import count_members, spans_on
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit, path_ids
from congdoan.plans import rules, split
from congdoan.plans.calculators import AT_DATE, CALCULATORS
from congdoan.plans.models import Indicator, Period, Plan, Source, Target, Task

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
    # The links narrow the enterprises first: annotating every enterprise of the country
    # with its figures, then filtering by union, costs a scan per child in the wizard.
    linked = UnionLink.objects.filter(valid_on(on), union_id__in=subtree).values("enterprise_id")
    organised = (
        enterprise_selectors.with_figures_on(Enterprise.objects.filter(pk__in=linked), on)
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
    measured from: a computed at-date figure on the first day; any other (computed in-period,
    reported, formula) over the span of the same length just before the period — the
    previous year for a year, see values.span_before — through values.value_of. None when
    unknown: nothing reported for that span, a formula's operand without a value."""
    from congdoan.plans import values

    calculator = CALCULATORS.get(indicator.calculator) if indicator.calculator else None
    start = period.starts_on
    if indicator.source == Source.COMPUTED and calculator and calculator.kind == AT_DATE:
        return calculator.compute(unit, start, start, min_workers=indicator.min_workers)
    return values.value_of(indicator, unit, *values.span_before(start, period.ends_on))


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


# --- the plan pages ------------------------------------------------------------------------


def ids_above(unit: Unit) -> list[int]:
    """Ids of the units above `unit` in today's structure, read from its path."""
    return [pk for pk in path_ids(unit.path) if pk != unit.pk]


def visible_plans(scope: Scope):
    """Plans the user may look at: those of units in their scope, and those of the units
    above theirs (a district federation sees the province's plan that gives it targets)."""
    plans = Plan.objects.select_related("owner")
    if scope.is_everything:
        return plans
    if scope.unit is None:
        return plans.none()
    return plans.filter(
        Q(owner__path__startswith=scope.path) | Q(owner_id__in=ids_above(scope.unit))
    )


def plan_for(scope: Scope, code: str) -> Plan:
    """The plan with `code` if the user may look at it; 404 otherwise."""
    return get_object_or_404(visible_plans(scope), code=code)


def sees_unit(scope: Scope, unit: Unit) -> bool:
    """A unit in scope, or one above the user's own unit."""
    if scope.contains(unit):
        return True
    return scope.unit is not None and unit.pk in ids_above(scope.unit)


def target_for(scope: Scope, plan: Plan, pk: int) -> Target:
    """A target of `plan` whose unit the user sees; 404 otherwise."""
    target = get_object_or_404(
        Target.objects.select_related("unit", "period", "indicator"), plan=plan, pk=pk
    )
    if not sees_unit(scope, target.unit):
        raise Http404(pk)
    return target


def target_history(target: Target):
    """The changes of one target, oldest first, with who made them."""
    return target.changes.select_related("actor").order_by("at", "pk")


def plan_periods(plan: Plan) -> list[Period]:
    """The plan's periods as pages show them: years first, then the phases that span them
    (2022, 2023, 2022–2023)."""
    return sorted(plan.periods.all(), key=lambda p: (p.kind == p.Kind.PHASE, p.starts_on))


def task_counts(plan: Plan) -> dict[str, int]:
    """The plan's tasks by status (status key → count)."""
    rows = Task.objects.filter(group__plan=plan).values_list("status").annotate(n=Count("pk"))
    return dict(rows)


@dataclass
class Cell:
    period: Period
    value: Decimal | None
    target_id: int | None
    # The unit lies under the plan's owner when the period starts (else it has no target).
    in_plan: bool
    editable: bool
    # target − the sum of the children's targets, for summed indicators where both exist.
    mismatch: Decimal | None = None
    may_split: bool = False  # the unit has children that day and the user may split


@dataclass
class Row:
    unit: Unit
    depth: int
    cells: list[Cell]

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells)


@dataclass
class EditableGrid:
    periods: list[Period]
    rows: list[Row]

    @property
    def editable(self) -> bool:
        return any(row.editable for row in self.rows)


def editable_grid(plan: Plan, indicator: Indicator, scope: Scope) -> EditableGrid:
    """The target grid of one indicator as the user may see and change it.

    Rows: the owner, its direct children, every unit with a target and the units directly
    under the user's own unit (the ones they split to), with the units between them and the
    owner; only those the user sees (`sees_unit`). A unit hangs where it stood on the first
    period start at which it was under the owner.
    """
    periods = plan_periods(plan)
    values: dict[tuple[int, int], tuple[Decimal, int]] = {
        (unit_id, period_id): (value, pk)
        for unit_id, period_id, value, pk in Target.objects.filter(
            plan=plan, indicator=indicator
        ).values_list("unit_id", "period_id", "value", "pk")
    }
    forests = {p.pk: org_selectors.tree_as_of(p.starts_on) for p in periods}
    inside = {p.pk: set(forests[p.pk].subtree_ids(plan.owner_id)) for p in periods}
    wanted = {plan.owner_id} | {unit_id for unit_id, _period in values}
    for period in periods:
        forest = forests[period.pk]
        wanted |= {n.id for n in forest.children_of(plan.owner_id)}
        if scope.unit is not None and scope.unit.pk in inside[period.pk]:
            wanted |= {n.id for n in forest.children_of(scope.unit.pk)}
    parent_of: dict[int, int | None] = {plan.owner_id: None}
    for period in periods:  # the first period that places a unit decides where it hangs
        forest = forests[period.pk]
        for unit_id in inside[period.pk]:
            parent_of.setdefault(unit_id, forest.nodes[unit_id].parent_id)
    for unit_id in list(wanted):  # the units between each one and the owner
        while unit_id in parent_of and parent_of[unit_id] is not None:
            unit_id = parent_of[unit_id]
            wanted.add(unit_id)
    units = Unit.objects.in_bulk([u for u in wanted if u in parent_of])
    shown = {pk for pk, unit in units.items() if sees_unit(scope, unit) or scope.is_everything}
    children: dict[int | None, list[int]] = {}
    for pk in shown:
        # Under the nearest unit shown: a union moved from a sibling district hangs under
        # the user's district rather than vanishing with the hidden sibling.
        parent = parent_of[pk]
        while parent is not None and parent not in shown:
            parent = parent_of.get(parent)
        children.setdefault(parent, []).append(pk)
    rows: list[Row] = []
    # Whether the user manages a unit may cost a query (an ended unit's heir): once per unit.
    manages = functools.cache(lambda unit_id: rules.is_manager_of(scope, unit_id))

    def visit(unit_id: int, depth: int) -> None:
        rows.append(Row(unit=units[unit_id], depth=depth, cells=cells_of(unit_id)))
        for child in sorted(
            children.get(unit_id, []), key=lambda k: (units[k].name, units[k].code)
        ):
            visit(child, depth + 1)

    def cells_of(unit_id: int) -> list[Cell]:
        cells = []
        for period in periods:
            forest = forests[period.pk]
            value, pk = values.get((unit_id, period.pk), (None, None))
            in_plan = unit_id in inside[period.pk]
            node = forest.nodes.get(unit_id)  # None: the unit did not exist that day
            parent_id = None if unit_id == plan.owner_id or node is None else node.parent_id
            kids = forest.children_of(unit_id) if in_plan else []
            cell = Cell(
                period=period,
                value=value,
                target_id=pk,
                in_plan=in_plan,
                editable=in_plan and rules.may_set(scope, plan, parent_id, manages=manages),
                may_split=bool(kids) and rules.may_split(scope, plan, unit_id, manages=manages),
            )
            parts = {
                n.id: values[(n.id, period.pk)][0] for n in kids if (n.id, period.pk) in values
            }
            if indicator.is_summed and value is not None and parts:
                cell.mismatch = split.mismatch(value, parts)
            cells.append(cell)
        return cells

    if plan.owner_id in shown:
        visit(plan.owner_id, 0)
    return EditableGrid(periods=periods, rows=rows)
