import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest

from congdoan.analytics import forecast as fc
from congdoan.analytics.forecast import Backtest, backtest, forecast, monthly_path, t_quantile

# A made-up seasonal pattern: quiet at Tết, busy in the middle of the year.
SEASON = [-30, -20, -5, 0, 10, 20, 25, 15, 5, 0, -10, -10]


def month(year: int, month_of_year: int) -> dt.date:
    return dt.date(year, month_of_year, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def truth(i: int) -> float:
    """Trend 1000 + 5/month from January 2016, plus the season; no noise."""
    return 1000 + 5 * i + SEASON[i % 12]


def synthetic(n: int = 120, *, sd: float = 10.0, seed: int = 7) -> list[tuple[dt.date, float]]:
    rng = np.random.default_rng(seed)
    return [(add_months(month(2016, 1), i), truth(i) + rng.normal(0, sd)) for i in range(n)]


JAN_2020 = month(2020, 1)


def line(n: int, *, start: dt.date = JAN_2020, a: float = 100, b: float = 3):
    return [(add_months(start, i), a + b * i) for i in range(n)]


# --- t quantile ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.9, 5, 1.476),
        (0.9, 20, 1.325),
        (0.9, math.inf, 1.2816),
        (0.9, 3, 1.638),
        (0.95, 10, 1.812),
        (0.975, 1, 12.706),
        (0.975, 2, 4.303),
        (0.975, 3, 3.182),
        (0.975, 120, 1.980),
        (0.995, 30, 2.750),
        (0.999, 5, 5.893),
    ],
)
def test_t_quantile_matches_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=6e-4)


def test_t_quantile_is_symmetric_and_zero_at_the_median():
    assert t_quantile(0.1, 5) == pytest.approx(-1.476, abs=6e-4)
    assert t_quantile(0.5, 7) == 0.0


def test_t_quantile_very_large_df_approaches_the_normal():
    assert t_quantile(0.9, 5000) == pytest.approx(1.2817, abs=2e-4)
    assert t_quantile(0.9, 5000) > t_quantile(0.9, math.inf)


@pytest.mark.parametrize(("p", "df"), [(0, 5), (1, 5), (0.9, 0)])
def test_t_quantile_refuses_impossible_arguments(p, df):
    with pytest.raises(ValueError):
        t_quantile(p, df)


# --- the method branches ------------------------------------------------------------------


def test_no_history_gives_no_forecast():
    assert forecast([], month(2024, 1)) is None
    assert forecast([(month(2024, 1), None)], month(2024, 6)) is None
    assert monthly_path([], month(2025, 1)) == []


def test_one_observation_is_flat_with_an_ignorance_band_of_half_the_value():
    f = forecast([(month(2024, 3), 200)], month(2025, 3))
    assert (f.method, f.value, f.low, f.high) == ("flat", 200, 100, 300)
    assert (f.fitted_months, f.residual_sd) == (1, 0.0)


def test_the_ignorance_band_widens_with_the_level():
    f = forecast([(month(2024, 3), 200)], month(2025, 3), level=0.95)
    assert f.high - 200 == pytest.approx(0.5 * 1.95996 / 1.28155 * 200, rel=1e-4)


def test_two_observations_drift_through_them_with_an_ignorance_band():
    history = [(month(2024, 1), 100), (month(2024, 4), 130)]  # +10 a month
    f = forecast(history, month(2024, 10))
    assert (f.method, f.fitted_months) == ("drift", 2)
    assert f.value == pytest.approx(190)
    assert (f.low, f.high) == pytest.approx((95, 285))


def test_drift_goes_through_the_first_and_last_whatever_lies_between():
    history = [
        (month(2024, 1), 100),
        (month(2024, 2), 150),
        (month(2024, 3), 90),
        (month(2024, 4), 160),
        (month(2024, 5), 140),
    ]
    f = forecast(history, month(2024, 7))
    assert f.method == "drift"
    assert f.value == pytest.approx(140 + 2 * 10)
    assert f.low < f.value < f.high
    assert f.residual_sd > 0


def test_drift_band_widens_with_the_horizon():
    history = [(month(2024, m), v) for m, v in [(1, 100), (2, 112), (3, 117), (4, 131)]]
    near, far = forecast(history, month(2024, 5)), forecast(history, month(2025, 4))
    assert far.high - far.low > 3 * (near.high - near.low)


def test_six_observations_fit_a_trend():
    f = forecast(line(6), month(2020, 12))
    assert (f.method, f.fitted_months) == ("trend", 6)
    assert f.value == pytest.approx(100 + 3 * 11)
    assert f.residual_sd == pytest.approx(0, abs=1e-9)


def test_trend_band_is_the_textbook_prediction_interval():
    values = [10.0, 14.0, 13.0, 19.0, 18.0, 24.0, 23.0]
    history = [(add_months(JAN_2020, i), v) for i, v in enumerate(values)]
    f = forecast(history, add_months(JAN_2020, 12))
    # Simple regression by hand: σ² = RSS/(n-2), var = σ²(1 + 1/n + (x0 - x̄)²/Sxx).
    n, x = len(values), np.arange(len(values), dtype=float)
    b, a = np.polyfit(x, values, 1)
    sigma = math.sqrt(sum((v - a - b * xi) ** 2 for xi, v in zip(x, values, strict=True)) / (n - 2))
    sxx = float(((x - x.mean()) ** 2).sum())
    half = 1.4759 * sigma * math.sqrt(1 + 1 / n + (12 - x.mean()) ** 2 / sxx)  # t(0.9, 5)
    assert f.value == pytest.approx(a + b * 12)
    assert f.residual_sd == pytest.approx(sigma)
    assert (f.low, f.high) == pytest.approx((a + b * 12 - half, a + b * 12 + half), rel=1e-4)


def test_drift_band_is_that_of_a_random_walk_with_drift():
    values = [100.0, 112.0, 117.0, 131.0]
    history = [(month(2024, m + 1), v) for m, v in enumerate(values)]
    f = forecast(history, month(2024, 7))  # h = 3 months, span = 3 months
    drift = 31 / 3
    shocks = [12 - drift, 5 - drift, 14 - drift]
    sigma = math.sqrt(sum(s * s for s in shocks) / 2)
    half = 1.8856 * sigma * math.sqrt(3 * (1 + 3 / 3))  # t(0.9, 2)
    assert f.value == pytest.approx(131 + 3 * drift)
    assert f.residual_sd == pytest.approx(sigma)
    assert f.high - f.value == pytest.approx(half, rel=1e-4)


def test_five_observations_still_drift():
    assert forecast(line(5), month(2020, 12)).method == "drift"


def test_twenty_four_observations_fit_trend_and_season():
    history = synthetic(24, sd=0.0)
    f = forecast(history, month(2018, 7))
    assert (f.method, f.fitted_months) == ("trend+season", 24)
    assert f.value == pytest.approx(truth(30))


def test_twenty_three_observations_fit_a_trend_only():
    assert forecast(synthetic(23), month(2018, 7)).method == "trend"


def test_a_calendar_month_seen_once_is_not_enough_for_a_season():
    history = synthetic(36)
    # Drop two of the three Decembers.
    history = [(d, v) for d, v in history if not (d.month == 12 and d.year < 2018)]
    assert forecast(history, month(2019, 6)).method == "trend"


# --- recovering a known series ------------------------------------------------------------


def test_trend_and_season_are_recovered_from_a_noisy_series():
    history = synthetic(96, sd=10.0)
    target = 96 + 11  # a year after the last observation
    f = forecast(history, add_months(month(2016, 1), target))
    assert f.method == "trend+season"
    assert f.fitted_months == 60
    assert f.value == pytest.approx(truth(target), abs=15)
    assert f.low < truth(target) < f.high
    assert f.residual_sd == pytest.approx(10, abs=3)
    # An 80 % band of ~±1.3σ, slightly wider for the horizon.
    assert 2 * 1.30 * 10 * 0.7 < f.high - f.low < 2 * 1.30 * 10 * 1.5


def test_the_backtest_of_a_well_specified_series_covers_about_eighty_percent():
    result = backtest(synthetic(120, sd=10.0))
    assert result.cases == 120 - 12 - 24 + 1
    assert 0.68 <= result.coverage <= 0.92
    assert result.mae == pytest.approx(10 * 0.8, rel=0.4)  # E|N(0, σ)| ≈ 0.8σ
    assert result.mape < 2


def test_the_backtest_shows_a_trend_missing_a_strong_season():
    seasonal = [(d, 1000 + 20 * SEASON[d.month - 1]) for d, _ in synthetic(60)]
    assert backtest(seasonal).mae == pytest.approx(0, abs=1e-6)
    # Origins with 6 to 23 months fit a trend only.
    assert backtest(seasonal[:26], min_train=6, horizon_months=3).mae > 50


def test_backtest_is_none_when_too_short():
    assert backtest(synthetic(35)) is None
    one = backtest(synthetic(36))
    assert isinstance(one, Backtest)
    assert one.cases == 1


def test_backtest_mape_skips_zero_actuals():
    history = [(add_months(month(2020, 1), i), 0.0) for i in range(40)]
    result = backtest(history)
    assert result.mape is None
    assert result.mae == 0


def test_only_the_last_sixty_months_are_fitted():
    # A collapse long ago must not drag the line: 30 wild months, then 60 on a clean line.
    old = [(add_months(month(2010, 1), i), 5000.0 - 150 * i) for i in range(30)]
    recent = line(60, start=month(2015, 1))
    f = forecast(old + recent, month(2020, 12))
    assert f.fitted_months == 60
    assert f.value == pytest.approx(100 + 3 * 71)


# --- gaps, clipping, inputs ---------------------------------------------------------------


def test_gaps_are_skipped_and_time_still_counts_in_calendar_months():
    history = line(12)
    history[4] = (history[4][0], None)
    history[7] = (history[7][0], float("nan"))
    del history[9]
    f = forecast(history, month(2021, 6))
    assert f.fitted_months == 9
    assert f.value == pytest.approx(100 + 3 * 17)


def test_decimal_values_and_unsorted_history_are_accepted():
    history = [(d, Decimal(v)) for d, v in reversed(line(8))]
    assert forecast(history, month(2020, 10)).value == pytest.approx(100 + 3 * 9)


def test_a_falling_count_is_clipped_at_zero():
    falling = line(12, a=100, b=-8)
    f = forecast(falling, month(2021, 12))
    assert (f.value, f.low) == (0.0, 0.0)
    assert f.high >= 0


def test_an_indicator_that_may_be_negative_is_not_clipped():
    falling = line(12, a=100, b=-8)
    f = forecast(falling, month(2021, 12), nonnegative=False)
    assert f.value == pytest.approx(100 - 8 * 23)


def test_the_band_widens_the_further_ahead():
    history = synthetic(48)
    near = forecast(history, month(2020, 1))
    far = forecast(history, month(2024, 1))
    assert far.high - far.low > near.high - near.low


def test_a_level_outside_zero_one_is_refused():
    with pytest.raises(ValueError):
        forecast(line(8), month(2021, 1), level=80)


# --- the monthly path ---------------------------------------------------------------------


def test_monthly_path_covers_each_month_after_the_last_observation():
    history = line(10)  # January to October 2020
    path = monthly_path(history, month(2021, 3))
    assert [d for d, _ in path] == [
        month(2020, 11),
        month(2020, 12),
        month(2021, 1),
        month(2021, 2),
        month(2021, 3),
    ]
    assert path[-1][1] == forecast(history, month(2021, 3))
    assert monthly_path(history, month(2020, 10)) == []


def test_monthly_path_fits_once(monkeypatch):
    calls = []
    real_fit = fc._fit
    monkeypatch.setattr(fc, "_fit", lambda *a: calls.append(1) or real_fit(*a))
    monthly_path(synthetic(60), month(2025, 12))
    assert len(calls) == 1


def _random_walk_roster(seed: int, months: int = 120) -> list[tuple[dt.date, float]]:
    rng = np.random.default_rng(seed)
    value, out = 50_000.0, []
    for i in range(months):
        value += 80 + rng.normal(0, 300)  # shocks that stay: a factory closes, one opens
        out.append((dt.date(2015 + i // 12, i % 12 + 1, 1), value))
    return out


def test_a_stock_is_forecast_from_its_changes_with_a_band_that_holds():
    from congdoan.analytics.forecast import backtest, forecast_stock, stock_path

    levels, stocks = [], []
    for seed in range(12):
        roster = _random_walk_roster(seed)
        levels.append(backtest(roster, horizon_months=12).coverage)
        stocks.append(backtest(roster, horizon_months=12, stock=True).coverage)
    # Fitted to the levels the band misses most outcomes; fitted to the changes it holds
    # about the share it claims.
    assert sum(levels) / len(levels) < 0.65
    assert 0.7 <= sum(stocks) / len(stocks) <= 0.92
    roster = _random_walk_roster(1)
    path = stock_path(roster, dt.date(2025, 12, 1))
    assert len(path) == 12
    widths = [f.high - f.low for _month, f in path]
    assert widths == sorted(widths)  # the band widens with the horizon
    assert path[-1][1] == forecast_stock(roster, dt.date(2025, 12, 15))
    assert path[0][1].value == pytest.approx(roster[-1][1] + 80, abs=400)
