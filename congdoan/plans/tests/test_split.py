from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congdoan.plans.split import (
    growth,
    mismatch,
    split_by_hand,
    split_proportional,
    split_same_growth,
)

D = Decimal


def test_proportional_even_weights_split_exactly():
    assert split_proportional(100, {"a": 1, "b": 1, "c": 2}) == {"a": 25, "b": 25, "c": 50}


def test_proportional_uneven_weights_add_up_by_largest_remainder():
    # Exact shares 33.33…, 33.33…, 33.33…: the one step left goes to the first given.
    parts = split_proportional(100, {"a": 10, "b": 10, "c": 10})
    assert parts == {"a": 34, "b": 33, "c": 33}
    # Shares 14.28…, 28.57…, 57.14…: floors 14 + 28 + 57 = 99; b has the largest fraction.
    assert split_proportional(100, {"a": 1, "b": 2, "c": 4}) == {"a": 14, "b": 29, "c": 57}


def test_proportional_ties_go_to_the_larger_weight():
    # Shares 0.5 and 1.5: equal fractions, the larger weight gets the step.
    assert split_proportional(2, {"a": 1, "b": 3}) == {"a": 0, "b": 2}
    # Equal fractions and equal weights: the order given decides.
    assert split_proportional(1, {"first": 1, "second": 1}) == {"first": 1, "second": 0}
    # Shares 0.43, 1.29, 1.29: the largest fraction wins even with the smallest weight.
    assert split_proportional(3, {"x": 1, "y": 3, "z": 3}) == {"x": 1, "y": 1, "z": 1}


def test_proportional_zero_weight_gets_nothing():
    parts = split_proportional(7, {"a": 0, "b": 3, "c": 4})
    assert parts == {"a": 0, "b": 3, "c": 4}
    assert parts.missing == frozenset()


def test_proportional_all_zero_weights_split_equally():
    assert split_proportional(10, {"a": 0, "b": 0, "c": 0}) == {"a": 4, "b": 3, "c": 3}


def test_proportional_missing_weight_counts_zero_and_is_reported():
    parts = split_proportional(10, {"a": None, "b": 1, "c": 4})
    assert parts == {"a": 0, "b": 2, "c": 8}
    assert parts.missing == {"a"}


def test_proportional_all_missing_split_equally_and_all_reported():
    parts = split_proportional(4, {"a": None, "b": None})
    assert parts == {"a": 2, "b": 2}
    assert parts.missing == {"a", "b"}


def test_proportional_nothing_to_split_among():
    assert split_proportional(10, {}) == {}
    assert split_proportional(0, {"a": 3, "b": 0}) == {"a": 0, "b": 0}


def test_proportional_in_hundredths_for_percentages():
    parts = split_proportional(D("1.00"), {"a": 1, "b": 1, "c": 1}, step=D("0.01"))
    assert parts == {"a": D("0.34"), "b": D("0.33"), "c": D("0.33")}


def test_proportional_refuses_bad_input():
    with pytest.raises(ValueError):
        split_proportional(-1, {"a": 1})
    with pytest.raises(ValueError):
        split_proportional(10, {"a": -1, "b": 2})
    with pytest.raises(ValueError):
        split_proportional(D("10.5"), {"a": 1})


def test_proportional_accepts_float_and_decimal_weights():
    assert split_proportional(10, {"a": 0.1, "b": D("0.3")}) == {"a": 2, "b": 8}  # 2.5, 7.5


def test_same_growth_gives_everyone_the_same_rate():
    parts = split_same_growth(1200, {"a": 100, "b": 300, "c": 600})
    assert parts == {"a": 120, "b": 360, "c": 720}
    assert {growth(c, parts[k]) for k, c in {"a": 100, "b": 300, "c": 600}.items()} == {D("0.2")}


def test_same_growth_uneven_rounds_to_the_total():
    parts = split_same_growth(100, {"a": 3, "b": 3, "c": 1})
    assert sum(parts.values()) == 100
    assert parts == {"a": 43, "b": 43, "c": 14}  # 42.86, 42.86, 14.29


def test_same_growth_zero_current_stays_zero_the_rest_goes_to_others():
    parts = split_same_growth(11, {"a": 0, "b": 5, "c": 5})
    assert parts == {"a": 0, "b": 6, "c": 5}


def test_same_growth_missing_current_is_reported():
    parts = split_same_growth(10, {"a": None, "b": 5})
    assert parts == {"a": 0, "b": 10}
    assert parts.missing == {"a"}


def test_same_growth_all_zero_splits_equally():
    assert split_same_growth(9, {"a": 0, "b": 0, "c": 0}) == {"a": 3, "b": 3, "c": 3}


def test_by_hand_keeps_values_and_reports_empty_ones():
    parts = split_by_hand({"a": 10, "b": "2.5", "c": None})
    assert parts == {"a": D(10), "b": D("2.5")}
    assert parts.missing == {"c"}
    with pytest.raises(ValueError):
        split_by_hand({"a": -1})


def test_mismatch_is_total_minus_parts():
    assert mismatch(100, {"a": 40, "b": 50}) == D(10)
    assert mismatch(100, {"a": 60, "b": 50}) == D(-10)
    assert mismatch(100, {"a": 100, "b": None}) == D(0)
    assert mismatch(D("12.5"), {}) == D("12.5")


def test_growth_is_none_without_a_base():
    assert growth(0, 10) is None
    assert growth(None, 10) is None
    assert growth(10, None) is None
    assert growth(200, 250) == D("0.25")


weights = st.dictionaries(
    st.integers(0, 50),
    st.one_of(st.none(), st.integers(0, 10_000), st.decimals(0, 1000, places=2)),
    min_size=1,
    max_size=30,
)


@given(total=st.integers(0, 10**9), weights=weights)
def test_proportional_always_adds_up_and_stays_near_the_exact_share(total, weights):
    parts = split_proportional(total, weights)
    assert set(parts) == set(weights)
    assert sum(parts.values()) == total
    assert mismatch(total, parts) == 0
    assert all(v >= 0 for v in parts.values())
    clean = {k: D(str(v or 0)) for k, v in weights.items()}
    whole = sum(clean.values())
    for key, value in parts.items():
        exact = total * clean[key] / whole if whole else D(total) / len(clean)
        assert abs(value - exact) < 1
    assert parts.missing == {k for k, v in weights.items() if v is None}


@given(total=st.integers(0, 10**6), current=weights)
def test_same_growth_never_gives_a_zero_child_anything_unless_all_are_zero(total, current):
    parts = split_same_growth(total, current)
    assert sum(parts.values()) == total
    if any(current.values()):
        assert all(parts[k] == 0 for k, v in current.items() if not v)
