"""The value of an indicator for a unit over a span: the one entry point is `value_of`.

A span runs from `start` to `end`, both days included, as for the calculators; the structure
is the one of `end` (as it was). By source:

- computed: the indicator's calculator (an at-date one gives the value on `end`);
- reported: the unit's own figure reported for exactly that span. A unit without one gets,
  for a summed indicator, the sum over the units directly under it on `end`, each with its
  own figure or, again, the sum under it. The sum stops at grassroots unions and guilds (their
  member unions, departments and groups are part of them). It is the sum of what has been
  reported: `value_with_coverage` tells whether it is complete and which units are missing
  (the highest units under which nothing is reported); None when nothing is reported at all.
  A ratio indicator gets numerator / denominator × 100 from their own values, so a parent's
  ratio is the ratio of its sums; an indicator that does not aggregate gets None.
  A unit's own figure wins over the sum under it: an upper-level union may give its total
  before its grassroots unions report;
- formula: the formula over the values of the indicators it names for the same unit and span;
  an operand without a value (or an indicator that no longer exists) gives None.

Values are not rounded: callers quantize. The rules refuse formulas that refer to themselves
when they are saved; a loop met here anyway (data changed behind the rules) gives None.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from congdoan.org import selectors as org_selectors
from congdoan.org.forest import Forest
from congdoan.org.kinds import MEMBER_HOLDING, SUB_UNITS
from congdoan.org.models import Unit
from congdoan.plans import formula
from congdoan.plans.calculators import CALCULATORS
from congdoan.plans.models import Aggregation, Indicator, ReportedValue, Source

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Value:
    """A value and how far it can be trusted."""

    value: Decimal | None
    # False when a figure it rests on is missing, or it could not be worked out.
    complete: bool = True
    # Ids of the units whose reported figures are missing: the highest units under which
    # nothing is reported.
    missing: frozenset[int] = frozenset()


def value_of(indicator: Indicator, unit: Unit, start: dt.date, end: dt.date) -> Decimal | None:
    """The value of `indicator` for `unit` over start–end (both included); None if unknown."""
    return Evaluator(start, end).value(indicator, unit).value


def value_with_coverage(indicator: Indicator, unit: Unit, start: dt.date, end: dt.date) -> Value:
    """As `value_of`, with whether every figure it needs has been reported."""
    return Evaluator(start, end).value(indicator, unit)


def values_with_coverage(
    indicator: Indicator, units, start: dt.date, end: dt.date
) -> dict[int, Value]:
    """`value_with_coverage` for many units (unit id → Value), reading each figure once."""
    evaluator = Evaluator(start, end)
    return {unit.pk: evaluator.value(indicator, unit) for unit in units}


def span_before(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The span of the same length just before start–end: the same number of months when it
    is made of whole months (the previous year for a year, the previous quarter for a
    quarter), else the same number of days."""
    before = start - dt.timedelta(days=1)
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - months
        return dt.date(index // 12, index % 12 + 1, 1), before
    return before - (end - start), before


class Evaluator:
    """Values over one span for many indicators and units. Reads are shared: the tree of
    `end` once, each reported indicator's figures for the span in one query (every unit's,
    so summing a subtree costs no query per unit)."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self._forest: Forest | None = None
        self._figures: dict[int, dict[int, Decimal]] = {}
        self._sums: dict[int, dict[int, tuple[Decimal | None, frozenset[int]]]] = {}
        self._indicators: dict[str, Indicator | None] = {}  # by code; None: no such code
        self._parts: dict[int, Indicator] = {}  # numerators and denominators, by id
        self._memo: dict[tuple[int, int], Value] = {}
        self._active: set[tuple[int, int]] = set()

    def value(self, indicator: Indicator, unit: Unit) -> Value:
        key = (indicator.pk, unit.pk)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Value(None, complete=False)
        self._active.add(key)
        try:
            result = self._compute(indicator, unit)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def figures(self, indicator: Indicator) -> dict[int, Decimal]:
        """Every unit's own figure of a reported indicator for the span: unit id → value."""
        if indicator.pk not in self._figures:
            rows = ReportedValue.objects.filter(
                indicator=indicator, starts_on=self.start, ends_on=self.end
            ).values_list("unit_id", "value")
            self._figures[indicator.pk] = dict(rows)
        return self._figures[indicator.pk]

    @property
    def forest(self) -> Forest:
        if self._forest is None:
            self._forest = org_selectors.tree_as_of(self.end)
        return self._forest

    def _compute(self, indicator: Indicator, unit: Unit) -> Value:
        if indicator.source == Source.COMPUTED:
            calculator = CALCULATORS.get(indicator.calculator)
            if calculator is None:
                return Value(None, complete=False)
            options = {"min_workers": indicator.min_workers}
            return Value(calculator.compute(unit, self.start, self.end, **options))
        if indicator.source == Source.FORMULA:
            return self._formula(indicator, unit)
        own = self.figures(indicator).get(unit.pk)
        if own is not None:
            return Value(own)
        if indicator.aggregation == Aggregation.SUM:
            total, missing = self._sum_under(indicator, unit.pk)
            return Value(total, complete=not missing, missing=missing)
        if indicator.aggregation == Aggregation.RATIO:
            return self._ratio(indicator, unit)
        return Value(None, complete=False, missing=frozenset({unit.pk}))

    def sum_below(self, indicator: Indicator, unit_id: int) -> Value:
        """The sum over the units directly under `unit_id`, its own figure left aside: what
        a parent's figure can be checked against."""
        total, missing = self._children_sum(indicator, unit_id)
        return Value(total, complete=total is not None and not missing, missing=missing)

    def _sum_under(self, indicator: Indicator, unit_id: int) -> tuple[Decimal | None, frozenset]:
        figures = self.figures(indicator)
        if unit_id in figures:
            return figures[unit_id], frozenset()
        sums = self._sums.setdefault(indicator.pk, {})
        if unit_id not in sums:
            total, missing = self._children_sum(indicator, unit_id)
            sums[unit_id] = (total, missing) if total is not None else (None, frozenset({unit_id}))
        return sums[unit_id]

    def _children_sum(self, indicator: Indicator, unit_id: int) -> tuple[Decimal | None, frozenset]:
        node = self.forest.nodes.get(unit_id)
        children = []
        if node is not None and node.kind not in MEMBER_HOLDING | SUB_UNITS:
            children = self.forest.children.get(unit_id, [])
        total, missing, found = Decimal(0), set(), False
        for child in children:
            value, lacking = self._sum_under(indicator, child)
            if value is not None:
                total, found = total + value, True
            missing |= lacking
        return (total if found else None), frozenset(missing)

    def _ratio(self, indicator: Indicator, unit: Unit) -> Value:
        if indicator.numerator_id is None or indicator.denominator_id is None:
            return Value(None, complete=False)
        ids = [indicator.numerator_id, indicator.denominator_id]
        if not self._parts.keys() >= set(ids):
            self._parts.update(Indicator.objects.in_bulk(ids))
        numerator = self.value(self._parts[ids[0]], unit)
        denominator = self.value(self._parts[ids[1]], unit)
        complete = numerator.complete and denominator.complete
        missing = numerator.missing | denominator.missing
        if numerator.value is None or not denominator.value:
            return Value(None, complete=complete, missing=missing)
        return Value(numerator.value * HUNDRED / denominator.value, complete, missing)

    def _formula(self, indicator: Indicator, unit: Unit) -> Value:
        try:
            parsed = formula.parse(indicator.formula)
        except ValidationError:
            return Value(None, complete=False)
        unknown = parsed.names - self._indicators.keys()
        if unknown:
            found = {i.code: i for i in Indicator.objects.filter(code__in=unknown)}
            self._indicators.update({code: found.get(code) for code in unknown})
        operands: dict[str, Decimal | None] = {}
        complete, missing = True, frozenset()
        for code in sorted(parsed.names):
            operand = self._indicators.get(code)
            if operand is None:
                operands[code], complete = None, False
                continue
            value = self.value(operand, unit)
            operands[code] = value.value
            complete, missing = complete and value.complete, missing | value.missing
        return Value(parsed.evaluate(operands), complete=complete, missing=missing)


# --- the entry grid ------------------------------------------------------------------------

# A province manager's grid holds every grassroots union of the province (about 1,100 in Sóc
# Trăng); beyond this many rows the page asks for a unit lower down instead.
MAX_GRID_ROWS = 1500


@dataclass(frozen=True)
class GridRow:
    unit: Unit
    depth: int  # below the top of the grid
    figure: ReportedValue | None  # the unit's own figure for the span
    # For a summed indicator and a unit with units under it: the sum of theirs.
    below: Value | None


@dataclass(frozen=True)
class Grid:
    rows: list[GridRow]
    cut: bool  # more units than MAX_GRID_ROWS: only the first are shown


def entry_grid(scope, indicator: Indicator, top: Unit | None, start: dt.date, end: dt.date) -> Grid:
    """The units whose figures the user may enter for the span: `top` (every root when None)
    and the units directly under it as the structure stood on `end`; the page drills down
    one level at a time, since a province holds more unions than one form can take.
    Sub-units of grassroots unions are left out, as they do not report."""
    evaluator = Evaluator(start, end)
    forest = evaluator.forest
    tops = [top.pk] if top is not None else [node.id for node in forest.roots()]
    depth: dict[int, int] = {}
    ids = []
    for unit_id in tops:
        depth[unit_id] = 0
        ids.append(unit_id)
        for node in forest.children_of(unit_id):
            if node.kind not in SUB_UNITS:
                depth[node.id] = 1
                ids.append(node.id)
    cut = len(ids) > MAX_GRID_ROWS
    ids = ids[:MAX_GRID_ROWS]
    units = Unit.objects.in_bulk(ids)
    figures = {
        row.unit_id: row
        for row in ReportedValue.objects.filter(
            indicator=indicator, starts_on=start, ends_on=end, unit_id__in=ids
        )
    }
    rows = []
    for unit_id in ids:
        unit = units[unit_id]
        if scope is not None and not scope.can_enter_data(unit):
            continue
        parent = forest.nodes[unit_id].kind not in MEMBER_HOLDING and forest.children.get(unit_id)
        below = evaluator.sum_below(indicator, unit_id) if parent and indicator.is_summed else None
        rows.append(GridRow(unit, depth[unit_id], figures.get(unit_id), below))
    return Grid(rows=rows, cut=cut)
