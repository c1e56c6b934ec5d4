"""Forecasts of one indicator of one unit from its monthly history, and their back-test.

Pure functions over plain values (no database), so that the progress pages, the API and the
CLI all forecast the same way and the method can be explained to a federation's staff:

- 24 or more observations, each month of the year seen at least twice: **trend+season**, an
  ordinary least-squares line (intercept, months) plus a fixed amount for each month of the
  year (11 dummies, January the reference). A seasonal effect estimated from a single
  January would be noise, hence "at least twice"; otherwise the next rule applies.
- 6 to 23 observations: **trend**, the least-squares line.
- 2 to 5: **drift**, the straight line through the first and the last observation.
- 1: **flat**, that value.
- 0: no forecast.

Only the last 60 months (counted back from the last observation) are fitted: older history
describes an organisation that no longer exists in the same form (the 2025 reform).
Missing months are skipped, never filled in; time is counted in calendar months, so a gap
does not bend the line.

The band is a prediction interval at `level` (80 % by default). For the least-squares
methods it is the textbook one, t quantile × σ × √(1 + x₀ᵀ(XᵀX)⁻¹x₀): it widens the further
`at` is from the fitted months. For drift it treats the series as a random walk with that
drift: σ (of the monthly changes around the drift) × √(h·(1 + h/span)). When nothing can
measure the spread (one observation, or two for drift) the band is ±50 % of the forecast at
the 80 % level (±76 % at 95 %): an honest "we do not know", not a statistic.
Counts of people cannot be negative, so value and band are clipped at 0 unless the caller
says the indicator may be negative.
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from statistics import NormalDist

import numpy as np

TREND_SEASON, TREND, DRIFT, FLAT = "trend+season", "trend", "drift", "flat"

WINDOW_MONTHS = 60
# A stock's changes are fitted over the last two years only: its pace changes with the
# economy (the demo's unions grew by 500 a month until 2019, by 50 after), and a longer
# window keeps the old pace for years. Back-tested on the demo's federations from 2020:
# 12 months ahead, 1–3 % off with 70–87 % inside the 80 % band at 24 months, against
# 2–4 % and 26–64 % at 60.
STOCK_WINDOW_MONTHS = 24
MIN_SEASONAL = 24
MIN_TREND = 6
MIN_DRIFT = 2
# Each month of the year must be seen this often for its seasonal effect to be estimated.
MIN_PER_CALENDAR_MONTH = 2
# Half-width of the band, as a share of the forecast, when no spread can be measured.
IGNORANCE_SHARE = 0.5
DEFAULT_LEVEL = 0.8

History = Iterable[tuple[dt.date, float | Decimal | None]]


@dataclass(frozen=True)
class Forecast:
    value: float
    low: float
    high: float
    method: str
    fitted_months: int  # observations used in the fit (months with a value)
    residual_sd: float  # σ of the fit; 0.0 when it could not be measured (flat, 2-point drift)


@dataclass(frozen=True)
class Backtest:
    cases: int
    mae: float
    mape: float | None  # in percent; None when every actual was 0
    coverage: float  # share (0–1) of actuals inside the band


# --- Student t quantile (scipy is not a dependency) -----------------------------------------

# Above this the Cornish-Fisher expansion alone is exact to ~1e-12.
_EXACT_MAX_DF = 1000


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with df degrees of freedom (df=math.inf: the normal).

    Exact closed forms for df 1 and 2; otherwise the Cornish-Fisher expansion, refined by
    Newton steps on the exact CDF (Abramowitz & Stegun 26.7.3-4) for whole df up to 1000.
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1, not {p}")
    if not df > 0:
        raise ValueError(f"df must be positive, not {df}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    z = NormalDist().inv_cdf(p)
    if math.isinf(df):
        return z
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2.0 * p - 1.0) / math.sqrt(2.0 * p * (1.0 - p))
    t = _cornish_fisher(z, df)
    if df > _EXACT_MAX_DF or not float(df).is_integer():
        return t
    nu = int(df)
    for _ in range(20):
        step = (_t_cdf(t, nu) - p) / _t_pdf(t, nu)
        t -= step
        if abs(step) <= 1e-13 * max(1.0, abs(t)):
            break
    return t


def _cornish_fisher(z: float, nu: float) -> float:
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / nu + g2 / nu**2 + g3 / nu**3 + g4 / nu**4


def _t_cdf(t: float, nu: int) -> float:
    theta = math.atan(abs(t) / math.sqrt(nu))
    c2 = math.cos(theta) ** 2
    total, term = 1.0, 1.0
    if nu % 2:
        for k in range(1, (nu - 3) // 2 + 1):
            term *= c2 * (2 * k) / (2 * k + 1)
            total += term
        inside = 2 / math.pi * theta
        if nu > 1:
            inside += 2 / math.pi * math.sin(theta) * math.cos(theta) * total
    else:
        for k in range(1, (nu - 2) // 2 + 1):
            term *= c2 * (2 * k - 1) / (2 * k)
            total += term
        inside = math.sin(theta) * total
    return 0.5 + math.copysign(inside / 2, t)


def _t_pdf(t: float, nu: int) -> float:
    log_c = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    return math.exp(log_c - (nu + 1) / 2 * math.log1p(t * t / nu))


# --- months and history -------------------------------------------------------------------


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_date(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _observations(history: History) -> list[tuple[int, float]]:
    """(month index, value) sorted, gaps (None, NaN) dropped; a repeated month keeps the last."""
    by_month: dict[int, float] = {}
    for day, value in history:
        if value is None:
            continue
        number = float(value)
        if math.isnan(number):
            continue
        by_month[_month_index(day)] = number
    return sorted(by_month.items())


def _window(observations: list[tuple[int, float]]) -> list[tuple[int, float]]:
    if not observations:
        return observations
    first_kept = observations[-1][0] - WINDOW_MONTHS + 1
    return [(m, y) for m, y in observations if m >= first_kept]


# --- the fits -----------------------------------------------------------------------------


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, not {level}")


def _ignorance_half_width(value: float, level: float) -> float:
    # ±IGNORANCE_SHARE at the default level, scaled like a normal band for other levels.
    scale = NormalDist().inv_cdf((1 + level) / 2) / NormalDist().inv_cdf((1 + DEFAULT_LEVEL) / 2)
    return IGNORANCE_SHARE * scale * abs(value)


@dataclass(frozen=True)
class _Fit:
    method: str
    n: int
    level: float
    nonnegative: bool
    sd: float

    def forecast(self, month: int) -> Forecast:
        value, half = self._point_and_half_width(month)
        low, high = value - half, value + half
        if self.nonnegative:
            value, low, high = max(value, 0.0), max(low, 0.0), max(high, 0.0)
        return Forecast(value, low, high, self.method, self.n, self.sd)

    def _point_and_half_width(self, month: int) -> tuple[float, float]:
        raise NotImplementedError


@dataclass(frozen=True)
class _LeastSquaresFit(_Fit):
    seasonal: bool
    origin: int  # month index where t = 0 (the last observation)
    coef: np.ndarray
    r: np.ndarray  # R of X = QR: (XᵀX)⁻¹ = R⁻¹R⁻ᵀ
    t_mult: float

    def _point_and_half_width(self, month: int) -> tuple[float, float]:
        x0 = _design_row(month, self.origin, self.seasonal)
        value = float(x0 @ self.coef)
        u = np.linalg.solve(self.r.T, x0)
        return value, self.t_mult * self.sd * math.sqrt(1.0 + float(u @ u))


@dataclass(frozen=True)
class _DriftFit(_Fit):
    last_month: int
    last_value: float
    slope: float
    span: int
    t_mult: float | None  # None: no spread measurable (two observations)

    def _point_and_half_width(self, month: int) -> tuple[float, float]:
        h = month - self.last_month
        value = self.last_value + self.slope * h
        if self.t_mult is None:
            return value, _ignorance_half_width(value, self.level)
        h = abs(h)
        return value, self.t_mult * self.sd * math.sqrt(h * (1 + h / self.span))


@dataclass(frozen=True)
class _FlatFit(_Fit):
    last_value: float

    def _point_and_half_width(self, month: int) -> tuple[float, float]:
        return self.last_value, _ignorance_half_width(self.last_value, self.level)


def _design_row(month: int, origin: int, seasonal: bool) -> np.ndarray:
    row = [1.0, float(month - origin)]
    if seasonal:
        dummies = [0.0] * 11
        if month % 12:
            dummies[month % 12 - 1] = 1.0
        row += dummies
    return np.array(row)


def _can_fit_season(observations: list[tuple[int, float]]) -> bool:
    if len(observations) < MIN_SEASONAL:
        return False
    seen = [0] * 12
    for m, _ in observations:
        seen[m % 12] += 1
    return min(seen) >= MIN_PER_CALENDAR_MONTH


def _fit(observations: list[tuple[int, float]], level: float, nonnegative: bool) -> _Fit | None:
    _check_level(level)
    obs = _window(observations)
    n = len(obs)
    two_sided = (1 + level) / 2
    if n == 0:
        return None
    if n == 1:
        return _FlatFit(FLAT, 1, level, nonnegative, 0.0, obs[0][1])
    if n < MIN_TREND:
        return _fit_drift(obs, level, nonnegative, two_sided)
    seasonal = _can_fit_season(obs)
    origin = obs[-1][0]
    x = np.array([_design_row(m, origin, seasonal) for m, _ in obs])
    y = np.array([v for _, v in obs])
    q, r = np.linalg.qr(x)
    coef = np.linalg.solve(r, q.T @ y)
    df = n - x.shape[1]
    sd = math.sqrt(float(np.sum((y - x @ coef) ** 2)) / df)
    method = TREND_SEASON if seasonal else TREND
    return _LeastSquaresFit(
        method, n, level, nonnegative, sd, seasonal, origin, coef, r, t_quantile(two_sided, df)
    )


def _fit_drift(
    obs: list[tuple[int, float]], level: float, nonnegative: bool, two_sided: float
) -> _DriftFit:
    (m_first, y_first), (m_last, y_last) = obs[0], obs[-1]
    span = m_last - m_first
    slope = (y_last - y_first) / span
    n = len(obs)
    if n == 2:
        return _DriftFit(DRIFT, n, level, nonnegative, 0.0, m_last, y_last, slope, span, None)
    # Each change, less the drift over its gap, scaled to one month's worth of randomness.
    shocks = [
        ((y1 - y0) - slope * (m1 - m0)) / math.sqrt(m1 - m0) for (m0, y0), (m1, y1) in pairwise(obs)
    ]
    sd = math.sqrt(sum(s * s for s in shocks) / (n - 2))
    t_mult = t_quantile(two_sided, n - 2)
    return _DriftFit(DRIFT, n, level, nonnegative, sd, m_last, y_last, slope, span, t_mult)


# --- public API ---------------------------------------------------------------------------


def forecast(
    history: History, at: dt.date, *, level: float = DEFAULT_LEVEL, nonnegative: bool = True
) -> Forecast | None:
    """The forecast for the month of `at` from a monthly history; None without any value.

    `history` is (first of month, value) pairs; None or NaN values are gaps. A month on or
    before the last observation gets the fitted value of the model.
    """
    fit = _fit(_observations(history), level, nonnegative)
    return fit.forecast(_month_index(at)) if fit else None


def monthly_path(
    history: History, until: dt.date, *, level: float = DEFAULT_LEVEL, nonnegative: bool = True
) -> list[tuple[dt.date, Forecast]]:
    """The forecast for each month after the last observation up to `until`, from one fit."""
    obs = _observations(history)
    fit = _fit(obs, level, nonnegative)
    if fit is None:
        return []
    last = obs[-1][0]
    return [(_month_date(m), fit.forecast(m)) for m in range(last + 1, _month_index(until) + 1)]


def stock_path(
    history: History, until: dt.date, *, level: float = DEFAULT_LEVEL, nonnegative: bool = True
) -> list[tuple[dt.date, Forecast]]:
    """As monthly_path, for a stock (members on a date): the last value plus the monthly
    changes expected since, each month's change being its calendar month's mean change
    (with 24 months of changes, each month seen twice) or the mean change.

    A stock keeps its shocks: a factory that closes takes its members away for good. Fitted
    to the levels, a line expects them back and its band is far too narrow (80 % bands held
    44 % of the outcomes on a simulated roster); on the changes the band grows with the
    horizon as shocks add up: σ² × (h + sᵀ(XᵀX)⁻¹s) for h months ahead, s the sum of the
    months' design rows. No trend in the changes: extrapolated, an acceleration misleads
    more than it helps. Needs three consecutive months; otherwise as monthly_path.
    """
    _check_level(level)
    obs = _observations(history)
    changes = [(m1, y1 - y0) for (m0, y0), (m1, y1) in pairwise(obs) if m1 == m0 + 1]
    if changes:
        changes = [(m, c) for m, c in changes if m > changes[-1][0] - STOCK_WINDOW_MONTHS]
    if len(changes) < 2:
        return monthly_path(history, until, level=level, nonnegative=nonnegative)
    seasonal = _can_fit_season(changes)

    def row(month: int) -> np.ndarray:
        return _design_row(month, month, seasonal)[[0, *range(2, 13 if seasonal else 2)]]

    x = np.array([row(m) for m, _ in changes])
    y = np.array([c for _, c in changes])
    q, r = np.linalg.qr(x)
    coef = np.linalg.solve(r, q.T @ y)
    df = len(changes) - x.shape[1]
    sd = math.sqrt(float(np.sum((y - x @ coef) ** 2)) / df) if df > 0 else 0.0
    t_mult = t_quantile((1 + level) / 2, df) if df > 0 else 0.0
    method = "changes+season" if seasonal else "changes"
    last_month, value = obs[-1]
    out, summed = [], np.zeros(x.shape[1])
    for h, month in enumerate(range(last_month + 1, _month_index(until) + 1), start=1):
        design = row(month)
        value += float(design @ coef)
        summed += design
        u = np.linalg.solve(r.T, summed)
        half = t_mult * sd * math.sqrt(h + float(u @ u))
        if df <= 0:
            half = _ignorance_half_width(value, level)
        point, low, high = value, value - half, value + half
        if nonnegative:
            point, low, high = max(point, 0.0), max(low, 0.0), max(high, 0.0)
        out.append((_month_date(month), Forecast(point, low, high, method, len(changes), sd)))
    return out


def forecast_stock(
    history: History, at: dt.date, *, level: float = DEFAULT_LEVEL, nonnegative: bool = True
) -> Forecast | None:
    """The stock's forecast for the month of `at` (see stock_path); None without a value."""
    obs = _observations(history)
    if not obs:
        return None
    if _month_index(at) <= obs[-1][0]:
        return forecast(history, at, level=level, nonnegative=nonnegative)
    path = stock_path(history, at, level=level, nonnegative=nonnegative)
    return path[-1][1]


def backtest(
    history: History,
    *,
    horizon_months: int = 12,
    min_train: int = MIN_SEASONAL,
    level: float = DEFAULT_LEVEL,
    nonnegative: bool = True,
    stock: bool = False,
    first_origin: dt.date | None = None,
) -> Backtest | None:
    """Rolling-origin check of the method on this history; None when too short for one case.

    Each origin uses the first k observations (k from min_train on) and forecasts the month
    `horizon_months` after the k-th; a case counts when that month has an actual value.
    """
    if horizon_months < 1 or min_train < 1:
        raise ValueError("horizon_months and min_train must be at least 1")
    obs = _observations(history)
    actual_by_month = dict(obs)
    errors: list[float] = []
    pct_errors: list[float] = []
    inside = 0
    for k in range(min_train, len(obs) + 1):
        target_month = obs[k - 1][0] + horizon_months
        if target_month > obs[-1][0]:
            break
        if first_origin is not None and obs[k - 1][0] < _month_index(first_origin):
            continue
        actual = actual_by_month.get(target_month)
        if actual is None:
            continue
        if stock:
            train = [(_month_date(m), y) for m, y in obs[:k]]
            predicted = forecast_stock(train, _month_date(target_month), level=level,
                                       nonnegative=nonnegative)
        else:
            predicted = _fit(obs[:k], level, nonnegative).forecast(target_month)
        errors.append(abs(predicted.value - actual))
        if actual != 0:
            pct_errors.append(abs(predicted.value - actual) / abs(actual))
        inside += predicted.low <= actual <= predicted.high
    if not errors:
        return None
    return Backtest(
        cases=len(errors),
        mae=sum(errors) / len(errors),
        mape=100 * sum(pct_errors) / len(pct_errors) if pct_errors else None,
        coverage=inside / len(errors),
    )
