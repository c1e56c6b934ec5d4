import datetime as dt

import pytest
from django.utils import translation

from congdoan.analytics.forecast import Forecast
from congdoan.analytics.status import (
    AT_RISK,
    BEHIND,
    MET,
    NO_TARGET,
    ON_TRACK,
    achieved_pct,
    elapsed_share,
    label,
    pace_needed,
    status,
)

START, END = dt.date(2024, 1, 1), dt.date(2025, 1, 1)  # 366 days
HALFWAY = dt.date(2024, 7, 2)  # day 183 of 366


def fc(value: float, low: float | None = None, high: float | None = None) -> Forecast:
    low = value if low is None else low
    high = value if high is None else high
    return Forecast(value, low, high, "trend", 24, 1.0)


def higher(actual, target, forecast=None, *, as_of=HALFWAY, baseline=None):
    return status(
        actual=actual,
        target=target,
        forecast=forecast,
        start=START,
        end=END,
        as_of=as_of,
        baseline=baseline,
    )


def lower(actual, target, forecast=None, *, as_of=HALFWAY, baseline=None):
    return status(
        actual=actual,
        target=target,
        forecast=forecast,
        direction="lower",
        start=START,
        end=END,
        as_of=as_of,
        baseline=baseline,
    )


# --- achieved_pct -------------------------------------------------------------------------


def test_achieved_pct_is_rounded_to_one_decimal():
    assert achieved_pct(61_234, 63_000) == 97.2
    assert achieved_pct(2, 3) == 66.7
    assert achieved_pct(0, 10) == 0.0


@pytest.mark.parametrize(("actual", "target"), [(5, None), (5, 0), (None, 10)])
def test_achieved_pct_is_none_without_a_usable_target(actual, target):
    assert achieved_pct(actual, target) is None


# --- pace_needed --------------------------------------------------------------------------


def test_pace_is_the_gap_over_the_months_left():
    as_of, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)  # 365 days = 11.99 months
    assert pace_needed(1000, 2200, as_of, end) == pytest.approx(1200 / (365 / 30.44))


def test_pace_is_zero_once_the_target_is_reached():
    assert pace_needed(2200, 2200, HALFWAY, END) == 0.0
    assert pace_needed(2300, 2200, HALFWAY, END) == 0.0


def test_pace_is_none_without_a_target():
    assert pace_needed(100, None, HALFWAY, END) is None


def test_pace_counts_at_least_one_month():
    assert pace_needed(100, 130, dt.date(2024, 12, 20), END) == 30.0
    assert pace_needed(100, 130, dt.date(2025, 3, 1), END) == 30.0  # the plan is over


def test_pace_for_a_lower_indicator_is_a_monthly_fall():
    as_of, end = dt.date(2024, 1, 1), dt.date(2024, 7, 1)  # 182 days
    assert pace_needed(200, 50, as_of, end, direction="lower") == pytest.approx(
        -150 / (182 / 30.44)
    )
    assert pace_needed(50, 50, as_of, end, direction="lower") == 0.0
    assert pace_needed(40, 50, as_of, end, direction="lower") == 0.0


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        pace_needed(1, 2, HALFWAY, END, direction="up")


# --- status: met, no target, after the end ------------------------------------------------


def test_no_target():
    assert higher(100, None) == NO_TARGET
    assert lower(100, None) == NO_TARGET


def test_met_at_the_target_exactly_in_both_directions():
    assert higher(63_000, 63_000, fc(0)) == MET
    assert higher(62_999, 63_000, fc(70_000)) != MET
    assert lower(50, 50, fc(500)) == MET
    assert lower(51, 50, fc(0)) != MET


def test_float_noise_does_not_miss_the_target():
    assert higher(62_999.999_999_99, 63_000) == MET


def test_a_target_missed_when_the_plan_has_ended_is_behind():
    assert higher(900, 1000, fc(2000), as_of=END) == BEHIND
    assert lower(60, 50, fc(0), as_of=dt.date(2025, 6, 1)) == BEHIND
    assert higher(1000, 1000, as_of=END) == MET


# --- status with a forecast ---------------------------------------------------------------


def test_forecast_reaching_the_target_is_on_track():
    assert higher(500, 1000, fc(1000, 900, 1100)) == ON_TRACK
    assert lower(200, 50, fc(50, 0, 100)) == ON_TRACK


def test_target_inside_the_band_is_at_risk():
    assert higher(500, 1000, fc(900, 800, 1000)) == AT_RISK  # target == high
    assert higher(500, 1000, fc(900, 800, 999)) == BEHIND
    assert lower(200, 50, fc(100, 50, 150)) == AT_RISK  # target == low
    assert lower(200, 50, fc(100, 51, 150)) == BEHIND


def test_forecast_within_five_percent_of_the_target_is_at_risk():
    assert higher(500, 1000, fc(950)) == AT_RISK
    assert higher(500, 1000, fc(949)) == BEHIND
    assert lower(200, 100, fc(105)) == AT_RISK
    assert lower(200, 100, fc(106)) == BEHIND


def test_the_forecast_outweighs_the_linear_path():
    # Far ahead of the path today, but the forecast says the target will be missed.
    assert higher(900, 1000, fc(800)) == BEHIND


# --- status without a forecast: the linear path -------------------------------------------


def test_elapsed_share():
    assert elapsed_share(START, END, HALFWAY) == 0.5
    assert elapsed_share(START, END, dt.date(2023, 6, 1)) == 0.0
    assert elapsed_share(START, END, dt.date(2026, 1, 1)) == 1.0
    assert elapsed_share(END, END, END) == 1.0


def test_path_from_zero_by_the_share_of_time():
    # Halfway through, 500 of 1000 are expected.
    assert higher(500, 1000) == ON_TRACK
    assert higher(450, 1000) == AT_RISK  # 90 % of expected
    assert higher(449, 1000) == BEHIND


def test_path_from_a_baseline_for_a_stock():
    # 55,000 members at the start, 63,000 targeted: 59,000 expected halfway.
    assert higher(59_000, 63_000, baseline=55_000) == ON_TRACK
    assert higher(58_600, 63_000, baseline=55_000) == AT_RISK  # 90 % of the 4,000 expected
    assert higher(58_599, 63_000, baseline=55_000) == BEHIND


def test_path_for_a_lower_indicator_mirrors():
    # 200 enterprises without a union, 50 targeted: 125 expected halfway.
    assert lower(125, 50, baseline=200) == ON_TRACK
    assert lower(132.5, 50, baseline=200) == AT_RISK  # 90 % of the 75 expected fall
    assert lower(133, 50, baseline=200) == BEHIND


def test_before_the_start_the_path_asks_for_the_baseline():
    early = dt.date(2023, 12, 1)
    assert higher(0, 1000, as_of=early) == ON_TRACK
    assert higher(54_000, 63_000, as_of=early, baseline=55_000) == BEHIND


def test_without_a_path_near_the_target_is_at_risk():
    # Lower with no baseline: no path, so within 10 % of the target is at risk.
    assert lower(55, 50) == AT_RISK
    assert lower(56, 50) == BEHIND
    # A target that asks for no growth (equal to the baseline), missed.
    assert higher(900, 1000, baseline=1000) == AT_RISK
    assert higher(899, 1000, baseline=1000) == BEHIND


# --- labels -------------------------------------------------------------------------------


def test_labels_are_translatable_strings():
    with translation.override("en"):
        assert [str(label(code)) for code in (MET, ON_TRACK, AT_RISK, BEHIND, NO_TARGET)] == [
            "Met",
            "On track",
            "At risk",
            "Behind",
            "No target",
        ]
