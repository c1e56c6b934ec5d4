"""Where a plan stands for a unit and the units directly under it, on a date.

For every indicator of the plan: the actual, the target, % achieved, the monthly pace still
needed, a forecast at the end of the period measured with its band, and a status
(analytics.status). The period measured is the plan's year that holds the date (else the
phase that holds it; before the plan, its first period; after it, its last one), so that in
2022 a unit is measured against its 2022 target and in 2023 against 63,000.

Actuals of members, their joins and leavings and the non-state sector come from the kept
counts (analytics.rollup), in the structure asked for; other indicators come from
plans.values, in the structure of the date. Forecasts exist for those four: stocks
(members, non-state) from the monthly end-of-month figures of the last five years
(forecast.forecast_stock), flows (joins, leavings) as the period's count so far plus the
months still to come forecast from the monthly counts. The CLI (`congdoan progress`), the
dashboard and its PDF all read this module, so they show the same figures.
"""

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError

from congdoan.analytics import forecast as fc
from congdoan.analytics import rollup
from congdoan.analytics import status as st
from congdoan.analytics.history import MonthlyHistory, months_before, since_first
from congdoan.analytics.structure import AS_WAS, CURRENT, STRUCTURES
from congdoan.enterprises.coverage import coverage_of_units
from congdoan.org import forest as org_forest
from congdoan.org.kinds import MEMBER_HOLDING, SUB_UNITS
from congdoan.org.models import Unit
from congdoan.plans import formula
from congdoan.plans.calculators import CALCULATORS, IN_PERIOD, grassroots_founded_under
from congdoan.plans.models import Indicator, Period, Plan, Source, Target
from congdoan.plans.values import Evaluator

__all__ = ["AS_WAS", "CURRENT", "STRUCTURES", "plan_progress"]

#: Computed indicators read from the kept counts: calculator → (kind, figure).
KEPT = {
    "members": ("stock", "members"),
    "members_non_state": ("stock", "non_state"),
    "members_joined": ("flow", "joined"),
    "members_left": ("flow", "left"),
}
# Enough for the forecasts: two years of changes for a stock, and each month of the year
# seen at least twice for the seasonal amounts of a flow.
HISTORY_MONTHS = 36


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: str
    name: str
    measure: str
    direction: str
    actual: float | None
    target: float | None
    achieved_pct: float | None
    pace_needed: float | None
    forecast: float | None
    forecast_low: float | None
    forecast_high: float | None
    status: str

    @property
    def status_label(self) -> str:
        return str(st.label(self.status))

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class UnitProgress:
    unit: str
    name: str
    kind: str
    indicators: list[IndicatorProgress] = field(default_factory=list)
    pk: int | None = None

    def indicator(self, code: str) -> IndicatorProgress | None:
        return next((i for i in self.indicators if i.indicator == code), None)

    def as_dict(self) -> dict:
        return {
            "unit": self.unit,
            "name": self.name,
            "indicators": [i.as_dict() for i in self.indicators],
        }


@dataclass(frozen=True)
class PlanProgress:
    plan: str
    plan_name: str
    as_of: dt.date
    structure: str
    period_label: str
    period_start: dt.date
    period_end: dt.date
    unit: UnitProgress
    children: list[UnitProgress]

    def as_dict(self) -> dict:
        return {
            "plan": self.plan,
            "as_of": self.as_of.isoformat(),
            "structure": self.structure,
            "period": {
                "label": self.period_label,
                "start": self.period_start.isoformat(),
                "end": self.period_end.isoformat(),
            },
            "units": [self.unit.as_dict(), *(c.as_dict() for c in self.children)],
        }


def period_for(plan: Plan, as_of: dt.date) -> Period | None:
    """The period a date is measured in (see the module docstring)."""
    periods = list(plan.periods.all())
    if not periods:
        return None
    holding = [p for p in periods if p.starts_on <= as_of <= p.ends_on]
    if holding:
        return min(holding, key=lambda p: (p.kind != Period.Kind.YEAR, p.ends_on - p.starts_on))
    if as_of < min(p.starts_on for p in periods):
        return min(periods, key=lambda p: (p.starts_on, p.kind != Period.Kind.YEAR))
    ended = [p for p in periods if p.ends_on < as_of]
    return max(ended, key=lambda p: (p.ends_on, p.kind == Period.Kind.YEAR))


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


class _Reader:
    """The figures of one call, read once for all units and indicators."""

    def __init__(self, plan: Plan, period: Period, as_of: dt.date, structure: str) -> None:
        self.plan, self.period, self.as_of, self.structure = plan, period, as_of, structure
        start = period.starts_on
        until = min(as_of, period.ends_on) if as_of >= start else start
        self.until = until
        self.stocks = rollup.rollup_on(until, structure=structure)
        self.base = rollup.rollup_on(start - dt.timedelta(days=1), structure=structure)
        self.flows = rollup.rollup_between(start, until, structure=structure)
        self.evaluator = Evaluator(start, until)
        self.whole = Evaluator(start, period.ends_on)
        self.history: MonthlyHistory | None = None
        self.top: Unit | None = None
        self.asked: set[int] = set()
        self._batched: dict[tuple, dict[int, float | None]] = {}
        self._operands: dict[str, Indicator | None] = {}
        self.targets = {
            (t.indicator_id, t.unit_id): t.value
            for t in Target.objects.filter(plan=plan, period=period)
        }

    def kept(self, indicator: Indicator) -> tuple[str, str] | None:
        if indicator.source != Source.COMPUTED:
            return None
        return KEPT.get(indicator.calculator)

    def actual(self, indicator: Indicator, unit: Unit) -> float | None:
        kept = self.kept(indicator)
        if kept is not None:
            kind, name = kept
            figures = self.stocks if kind == "stock" else self.flows
            return float(figures.of(unit.pk)[name])
        batched = self.batched(indicator)
        if batched is not None:
            return batched.get(unit.pk)
        if indicator.source == Source.FORMULA:
            return self.formula(indicator, unit)
        evaluator = self.evaluator
        if indicator.source == Source.REPORTED or self.as_of >= self.period.ends_on:
            evaluator = self.whole  # reported figures are for whole periods
        return _number(evaluator.value(indicator, unit).value)

    def batched(self, indicator: Indicator) -> dict[int, float | None] | None:
        """Values of every unit asked for at once, for the computed indicators that would
        otherwise cost queries per unit: unions at the date, enterprise coverage and unions
        founded in the period."""
        if indicator.source != Source.COMPUTED:
            return None
        key = (indicator.calculator, indicator.min_workers)
        if key in self._batched:
            return self._batched[key]
        if indicator.calculator == "grassroots_units":
            values = self._unions_at_date()
        elif indicator.calculator == "enterprise_coverage":
            values = self._coverage(indicator.min_workers)
        elif indicator.calculator == "grassroots_founded":
            founded = grassroots_founded_under(self.asked, self.period.starts_on, self.until)
            values = {unit_id: float(count) for unit_id, count in founded.items()}
        else:
            return None
        self._batched[key] = values
        return values

    def _unions_at_date(self) -> dict[int, float]:
        """Grassroots unions and guilds that existed on the date, under each unit of the
        structure (in the as-was one: the calculator's count)."""
        forest = org_forest.forest_as_of(self.until)
        layout = self.stocks.shape
        own = np.zeros((len(layout.ids), 1), dtype=np.int64)
        holding = np.array(
            [n.id for n in forest.nodes.values() if n.kind in MEMBER_HOLDING], dtype=np.int64
        )
        positions, inside = layout.positions(holding)
        np.add.at(own, positions[inside], 1)
        totals = layout.roll_up(own)[:, 0]
        return {
            int(unit_id): float(total)
            for unit_id, total in zip(layout.ids, totals, strict=True)
            if int(unit_id) in self.asked
        }

    def _coverage(self, min_workers: int | None) -> dict[int, float | None]:
        """Enterprise coverage of every unit asked (the calculator's: as the structure was,
        whichever structure the page shows), in one grouped query, not one per unit."""
        counts = coverage_of_units(sorted(self.asked), on=self.until, min_workers=min_workers)
        return {
            unit_id: _share(with_union, eligible)
            for unit_id, (eligible, with_union) in counts.items()
        }

    def formula(self, indicator: Indicator, unit: Unit) -> float | None:
        """A formula over the same figures this page shows for its operands."""
        try:
            parsed = formula.parse(indicator.formula)
        except ValidationError:
            return None
        if not parsed.names <= self._operands.keys():
            found = {i.code: i for i in Indicator.objects.filter(code__in=parsed.names)}
            self._operands.update({code: found.get(code) for code in parsed.names})
        operands = self._operands
        values = {}
        for code in parsed.names:
            operand = operands.get(code)
            value = None if operand is None else self.actual(operand, unit)
            values[code] = None if value is None else Decimal(str(value))
        return _number(parsed.evaluate(values))

    def baseline(self, indicator: Indicator, unit: Unit) -> float | None:
        kept = self.kept(indicator)
        if kept is None:
            calculator = CALCULATORS.get(indicator.calculator)
            return 0.0 if calculator is not None and calculator.kind == IN_PERIOD else None
        kind, name = kept
        return float(self.base.of(unit.pk)[name]) if kind == "stock" else 0.0

    def forecast(self, indicator: Indicator, unit: Unit, actual: float | None):
        kept = self.kept(indicator)
        if kept is None or actual is None or self.as_of >= self.period.ends_on:
            return None
        kind, name = kept
        end = self.period.ends_on
        series = since_first(self.history.series(unit.pk, name))
        if kind == "stock":
            return fc.forecast_stock([*series, (self.until.replace(day=1), actual)], end)
        # A flow: what the period has so far, plus the months to come as forecast; the
        # month of the date is counted whole in the forecast, its days so far in the actual.
        path = fc.monthly_path(series, end)
        ahead = [f for month, f in path if month > self.until.replace(day=1)]
        if not ahead:
            return None
        return fc.Forecast(
            actual + sum(f.value for f in ahead),
            actual + sum(f.low for f in ahead),
            actual + sum(f.high for f in ahead),
            ahead[-1].method,
            ahead[-1].fitted_months,
            ahead[-1].residual_sd,
        )

    def progress(self, indicator: Indicator, unit: Unit) -> IndicatorProgress:
        actual = self.actual(indicator, unit)
        target = _number(self.targets.get((indicator.pk, unit.pk)))
        predicted = self.forecast(indicator, unit, actual)
        direction = indicator.direction
        if actual is None:
            status = st.NO_TARGET if target is None else st.NO_DATA
        else:
            status = st.status(
                actual=actual,
                target=target,
                forecast=predicted,
                direction=direction,
                start=self.period.starts_on,
                end=self.period.ends_on,
                as_of=self.as_of,
                baseline=self.baseline(indicator, unit),
            )
        pace = None
        if actual is not None and target is not None:
            pace = st.pace_needed(actual, target, self.as_of, self.period.ends_on,
                                  direction=direction)
        return IndicatorProgress(
            indicator=indicator.code,
            name=indicator.name,
            measure=indicator.measure,
            direction=direction,
            actual=_rounded(actual),
            target=target,
            achieved_pct=st.achieved_pct(actual, target),
            pace_needed=_rounded(pace),
            forecast=_rounded(predicted.value) if predicted else None,
            forecast_low=_rounded(predicted.low) if predicted else None,
            forecast_high=_rounded(predicted.high) if predicted else None,
            status=status,
        )


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def children_of(unit: Unit, figures: rollup.Rollup) -> list[Unit]:
    """The units directly under `unit` in the structure of the figures (not sub-units of a
    grassroots union, which plans do not measure), by name."""
    ids = figures.children(unit.pk)
    units = Unit.objects.in_bulk(ids)
    return [units[i] for i in ids if i in units and units[i].kind not in SUB_UNITS]


def plan_progress(
    plan: Plan, *, unit: Unit, as_of: dt.date, structure: str = AS_WAS
) -> PlanProgress:
    """The plan's progress for `unit` and the units directly under it on `as_of`."""
    if structure not in STRUCTURES:
        raise ValueError(structure)
    period = period_for(plan, as_of)
    indicators = list(plan.indicators.order_by("code"))
    if period is None:
        empty = UnitProgress(unit.code, unit.name, unit.kind, [], unit.pk)
        return PlanProgress(plan.code, plan.title, as_of, structure, "", plan.starts_on,
                            plan.ends_on, empty, [])
    reader = _Reader(plan, period, as_of, structure)
    children = children_of(unit, reader.stocks)
    units = [unit, *children]
    reader.top, reader.asked = unit, {u.pk for u in units}
    reader.history = MonthlyHistory(
        [u.pk for u in units],
        reader.stocks.shape,
        start=months_before(reader.until, HISTORY_MONTHS),
        end=reader.until,
    )

    def of(u: Unit) -> UnitProgress:
        return UnitProgress(
            u.code, u.name, u.kind, [reader.progress(i, u) for i in indicators], u.pk
        )

    return PlanProgress(
        plan=plan.code,
        plan_name=plan.title,
        as_of=as_of,
        structure=structure,
        period_label=period.label,
        period_start=period.starts_on,
        period_end=period.ends_on,
        unit=of(unit),
        children=[of(c) for c in children],
    )
