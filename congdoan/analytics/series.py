"""The headline chart of the dashboard: a unit's indicator month by month, with its target
path and, after the date, the forecast and its band."""

import datetime as dt
from dataclasses import dataclass

from congdoan.analytics import forecast as fc
from congdoan.analytics import rollup
from congdoan.analytics.history import MonthlyHistory, months_before, since_first
from congdoan.analytics.progress import KEPT
from congdoan.analytics.structure import AS_WAS
from congdoan.org.models import Unit
from congdoan.plans.models import Indicator, Period, Plan, Source, Target


@dataclass(frozen=True)
class ChartSeries:
    indicator: str
    months: list[dt.date]
    actual: list[float | None]
    target: list[float | None]
    forecast: list[float | None]
    low: list[float | None]
    high: list[float | None]

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator,
            "months": [m.isoformat() for m in self.months],
            "actual": self.actual,
            "target": self.target,
            "forecast": self.forecast,
            "low": self.low,
            "high": self.high,
        }


def headline_series(
    plan: Plan, indicator: Indicator, unit: Unit, *, as_of: dt.date, structure: str = AS_WAS
) -> ChartSeries:
    """Month by month over the plan (and the year before it): the actual up to `as_of`, the
    target path (a straight line from the figure at the plan's start through each year's
    target at its end) and, after `as_of`, the forecast with its band. Only indicators read
    from the kept counts have a monthly actual and a forecast; others get the targets."""
    first = months_before(plan.starts_on, 12)
    months, month = [], first
    last = max(plan.ends_on, as_of).replace(day=1)
    while month <= last:
        months.append(month)
        month = rollup.next_month(month)
    index = {m: i for i, m in enumerate(months)}
    actual: list[float | None] = [None] * len(months)
    forecast_line: list[float | None] = [None] * len(months)
    low: list[float | None] = [None] * len(months)
    high: list[float | None] = [None] * len(months)
    kept = KEPT.get(indicator.calculator) if indicator.source == Source.COMPUTED else None
    until = min(as_of, plan.ends_on) if kept and kept[0] == "flow" else as_of
    if kept is not None:
        kind, name = kept
        figures = rollup.rollup_on(until, structure=structure)
        history = MonthlyHistory([unit.pk], figures.shape, start=first, end=until)
        series = since_first(history.series(unit.pk, name))
        if kind == "stock":
            series = [*series, (until.replace(day=1), figures.of(unit.pk)[name])]
            for m, value in series:
                if m in index:
                    actual[index[m]] = float(value)
            path = fc.stock_path(series, plan.ends_on) if as_of < plan.ends_on else []
            for m, f in path:
                if m in index:
                    forecast_line[index[m]], low[index[m]], high[index[m]] = (
                        round(f.value), round(f.low), round(f.high),
                    )
            if path and until.replace(day=1) in index:
                # The forecast line starts from the last actual, so the two join on the chart.
                i = index[until.replace(day=1)]
                forecast_line[i] = low[i] = high[i] = actual[i]
    targets = _target_path(plan, indicator, unit, months, actual)
    return ChartSeries(indicator.code, months, actual, targets, forecast_line, low, high)


def _target_path(plan, indicator, unit, months, actual) -> list[float | None]:
    """A straight line from the figure at the plan's start to each year's target at the
    year's end (the targets alone at their ends when there is no starting figure)."""
    years = [
        (t.period.ends_on, float(t.value))
        for t in Target.objects.filter(
            plan=plan, indicator=indicator, unit=unit, period__kind=Period.Kind.YEAR
        ).select_related("period")
    ]
    if not years:
        years = [
            (t.period.ends_on, float(t.value))
            for t in Target.objects.filter(plan=plan, indicator=indicator, unit=unit)
            .select_related("period")
        ]
    years.sort()
    out: list[float | None] = [None] * len(months)
    if not years:
        return out
    start_month = plan.starts_on.replace(day=1)
    before = months_before(start_month, 1)
    start_value = None
    if before in months and actual[months.index(before)] is not None:
        start_value = actual[months.index(before)]
    points = ([(before, start_value)] if start_value is not None else []) + [
        (end.replace(day=1), value) for end, value in years
    ]
    for i, month in enumerate(months):
        for (m0, v0), (m1, v1) in zip(points, points[1:], strict=False):
            if m0 <= month <= m1:
                span = (m1.year - m0.year) * 12 + m1.month - m0.month
                done = (month.year - m0.year) * 12 + month.month - m0.month
                out[i] = round(v0 + (v1 - v0) * (done / span if span else 1), 1)
                break
        else:
            if any(month == m for m, _ in points):
                out[i] = next(v for m, v in points if m == month)
    return out
