"""How well the forecasts would have done on a unit's own history (rolling origin)."""

import datetime as dt
from dataclasses import asdict, dataclass

from congdoan.analytics import forecast as fc
from congdoan.analytics import rollup
from congdoan.analytics.history import MonthlyHistory, since_first
from congdoan.analytics.structure import AS_WAS


@dataclass(frozen=True)
class BacktestRow:
    figure: str
    model: str
    horizon_months: int
    cases: int
    mae: float
    mape: float | None
    coverage: float

    def as_dict(self) -> dict:
        return asdict(self)


def backtests(
    unit,
    *,
    as_of: dt.date,
    structure: str = AS_WAS,
    horizon_months: int = 12,
    years: int = 5,
) -> list[BacktestRow]:
    """The error of each forecast used on the progress pages, on `unit`'s monthly history up
    to `as_of`: members (as a stock, and fitted to the levels for comparison) and joins,
    forecast from every month of the last `years` years that has an outcome to compare."""
    since = dt.date(as_of.year - years, as_of.month, 1)
    figures = rollup.rollup_on(as_of, structure=structure)
    history = MonthlyHistory([unit.pk], figures.shape, start=dt.date(1990, 1, 1), end=as_of)
    rows = []
    cases = [
        ("members", "changes", True),
        ("members", "levels", False),
        ("joined", "levels", False),
    ]
    for figure, model, stock in cases:
        series = since_first(history.series(unit.pk, figure))
        result = fc.backtest(series, horizon_months=horizon_months, stock=stock,
                             first_origin=since)
        if result is not None:
            rows.append(BacktestRow(figure, model, horizon_months, result.cases,
                                    round(result.mae, 1),
                                    None if result.mape is None else round(result.mape, 2),
                                    round(result.coverage, 3)))
    return rows
