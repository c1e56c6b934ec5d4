"""Where an indicator stands against its target: % achieved, the pace still needed, a status.

Pure functions over plain values. `direction` is "higher" when more is better (members,
grassroots unions, coverage) and "lower" when less is (enterprises without a union); every
rule below is mirrored for "lower". "Reaches" means ≥ for higher and ≤ for lower.

Status, checked in this order:

1. **no_target** — there is no target.
2. **met** — the actual reaches the target (on `as_of`; it is a snapshot, a stock can fall
   back later).
3. **behind** — the plan has ended (`as_of` ≥ `end`) and the target was not met.
4. With a forecast (for the plan's end month):
   - **on_track** when the forecast value reaches the target;
   - **at_risk** when the target lies inside the forecast band (low ≤ target ≤ high), or the
     forecast falls short of the target by at most 5 % of the target (≥ 95 % of it for
     higher, ≤ 105 % for lower);
   - **behind** otherwise.
5. Without a forecast, a straight path from the `baseline` on `start` to the target on `end`:
   expected = baseline + (target − baseline) × share of time elapsed. The baseline defaults
   to 0 for higher (the usual "x % of the target after y % of the time", right for flows such
   as new members in the year; pass the value at the start for stocks).
   - **on_track** when the actual reaches the expected value;
   - **at_risk** when the progress made is at least 90 % of the progress expected by now
     (for a baseline of 0: actual ≥ 90 % of expected);
   - **behind** otherwise.
   When the plan asks for no progress in the indicator's direction (target equal to the
   baseline or on the wrong side of it, or "lower" with no baseline given) no path can be
   drawn: within 10 % of the target is at_risk, further is behind.
"""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from congdoan.analytics.forecast import Forecast

MET, ON_TRACK, AT_RISK, BEHIND, NO_TARGET = "met", "on_track", "at_risk", "behind", "no_target"
#: A target but no figure to compare with yet (a reported indicator not reported yet).
NO_DATA = "no_data"
HIGHER, LOWER = "higher", "lower"

CHOICES = [
    (MET, _("Met")),
    (ON_TRACK, _("On track")),
    (AT_RISK, _("At risk")),
    (BEHIND, _("Behind")),
    (NO_TARGET, _("No target")),
    (NO_DATA, _("No figure yet")),
]
LABELS = dict(CHOICES)

DAYS_PER_MONTH = 30.44
# A forecast short of the target by at most this share of it is at risk, not behind.
FORECAST_TOLERANCE = 0.05
# Without a forecast: progress of at least this share of the expected progress is at risk.
PATH_AT_RISK_SHARE = 0.9
# Without a path (no progress planned): this close to the target, as a share of it, is at risk.
NO_PATH_TOLERANCE = 0.1
# Float noise (an OLS forecast of 62999.9999999 for 63000) must not flip a status.
_RELATIVE_EPSILON = 1e-9


def label(code: str) -> str:
    """The translated label of a status code."""
    return LABELS[code]


def _sign(direction: str) -> int:
    if direction == HIGHER:
        return 1
    if direction == LOWER:
        return -1
    raise ValueError(f"direction must be {HIGHER!r} or {LOWER!r}, not {direction!r}")


def _reaches(value: float, goal: float, sign: int) -> bool:
    slack = _RELATIVE_EPSILON * max(1.0, abs(goal))
    return sign * (value - goal) >= -slack


def achieved_pct(actual: float | None, target: float | None) -> float | None:
    """actual / target in percent, one decimal; None without an actual or a (non-zero) target."""
    if actual is None or target is None or target == 0:
        return None
    return round(100 * float(actual) / float(target), 1)


def pace_needed(
    actual: float,
    target: float | None,
    as_of: dt.date,
    end: dt.date,
    *,
    direction: str = HIGHER,
) -> float | None:
    """The average monthly change still needed from `as_of` to reach `target` by `end`.

    Signed: positive for higher, negative for lower; 0 when the target is already reached,
    None without a target. Months are days / 30.44, at least one (a plan ending within a
    month, or already over, needs the whole gap in one month).
    """
    sign = _sign(direction)
    if target is None:
        return None
    actual, target = float(actual), float(target)
    if _reaches(actual, target, sign):
        return 0.0
    months = max((end - as_of).days / DAYS_PER_MONTH, 1.0)
    return (target - actual) / months


def elapsed_share(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """The share (0–1) of the period start–end gone by on `as_of`."""
    total = (end - start).days
    if total <= 0:
        return 1.0
    return min(max((as_of - start).days / total, 0.0), 1.0)


def status(
    *,
    actual: float,
    target: float | None,
    forecast: Forecast | None,
    direction: str = HIGHER,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    baseline: float | None = None,
) -> str:
    """The status code of an indicator on `as_of` (rules in the module docstring)."""
    sign = _sign(direction)
    if target is None:
        return NO_TARGET
    actual, target = float(actual), float(target)
    if _reaches(actual, target, sign):
        return MET
    if as_of >= end:
        return BEHIND
    if forecast is not None:
        return _status_from_forecast(forecast, target, sign)
    return _status_from_path(actual, target, sign, baseline, elapsed_share(start, end, as_of))


def _status_from_forecast(forecast: Forecast, target: float, sign: int) -> str:
    if _reaches(forecast.value, target, sign):
        return ON_TRACK
    in_band = forecast.low <= target <= forecast.high
    nearly = _reaches(forecast.value, target - sign * FORECAST_TOLERANCE * abs(target), sign)
    return AT_RISK if in_band or nearly else BEHIND


def _status_from_path(
    actual: float, target: float, sign: int, baseline: float | None, elapsed: float
) -> str:
    if baseline is None:
        baseline = 0.0 if sign > 0 else target
    planned = target - float(baseline)
    if sign * planned <= 0:
        near = target - sign * NO_PATH_TOLERANCE * abs(target)
        return AT_RISK if _reaches(actual, near, sign) else BEHIND
    expected = baseline + planned * elapsed
    if _reaches(actual, expected, sign):
        return ON_TRACK
    if _reaches(actual, baseline + PATH_AT_RISK_SHARE * planned * elapsed, sign):
        return AT_RISK
    return BEHIND
