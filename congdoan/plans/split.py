"""Splitting a parent's target among its children: pure arithmetic, no database.

Parts are rounded to whole steps (one person, one unit; or 0.01 for percentages) by the
largest-remainder method, so they add up to the total exactly: each child first gets the
whole steps of its exact share, then the steps left over go to the largest fractions
(ties: larger weight first, then the order the children were given in).
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Number = int | float | Decimal
ONE = Decimal(1)


class Split(dict):
    """The parts, child → value; `missing` holds the children whose input was missing
    (None), treated as zero, so pages can say so instead of hiding it."""

    def __init__(self, parts=(), missing=()):
        super().__init__(parts)
        self.missing = frozenset(missing)


def _fraction(value: Number) -> Fraction:
    # Through str so 0.1 (float) means one tenth, not its binary approximation.
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _steps(total: Number, step: Decimal) -> int:
    exact = _fraction(total) / _fraction(step)
    if total < 0:
        raise ValueError(f"the total cannot be negative ({total})")
    if exact.denominator != 1:
        raise ValueError(f"the total {total} is not a whole number of steps of {step}")
    return int(exact)


def _check_weights(weights: Mapping[Hashable, Number | None]) -> tuple[dict, set]:
    missing = {key for key, value in weights.items() if value is None}
    clean = {key: _fraction(value or 0) for key, value in weights.items()}
    negative = [key for key, value in clean.items() if value < 0]
    if negative:
        raise ValueError(f"negative inputs for {negative}")
    return clean, missing


def split_proportional(
    total: Number, weights: Mapping[Hashable, Number | None], *, step: Decimal = ONE
) -> Split:
    """`total` split in proportion to `weights`, in whole steps that add up to `total`.

    A None weight counts as 0 and is reported in `missing`; when every weight is 0 (or
    missing) the total is split equally. With no children there is nothing to split.
    """
    step = Decimal(step)
    steps = _steps(total, step)
    clean, missing = _check_weights(weights)
    if not clean:
        return Split({}, missing)
    if not any(clean.values()):
        clean = dict.fromkeys(clean, Fraction(1))
    whole = sum(clean.values())
    quotas = {key: steps * weight / whole for key, weight in clean.items()}
    parts = {key: int(quota) for key, quota in quotas.items()}  # floor: quotas are ≥ 0
    left = steps - sum(parts.values())
    order = list(clean)
    ranked = sorted(
        order,
        key=lambda key: (-(quotas[key] - parts[key]), -clean[key], order.index(key)),
    )
    for key in ranked[:left]:
        parts[key] += 1
    return Split({key: n * step for key, n in parts.items()}, missing)


def split_same_growth(
    total: Number, current: Mapping[Hashable, Number | None], *, step: Decimal = ONE
) -> Split:
    """Every child grows by the same rate: current × total / sum(current), rounded so the
    parts add up. A child at 0 (or missing) stays at 0 and the rest goes to the others;
    when all are 0 the total is split equally."""
    # The same arithmetic as a proportional split whose weights are the current values;
    # kept as its own name because the wizard offers it as its own method.
    return split_proportional(total, current, step=step)


def split_by_hand(values: Mapping[Hashable, Number | None]) -> Split:
    """The values as typed; an empty one (None) is left out and reported in `missing`."""
    missing = {key for key, value in values.items() if value is None}
    parts = {key: Decimal(str(value)) for key, value in values.items() if value is not None}
    negative = [key for key, value in parts.items() if value < 0]
    if negative:
        raise ValueError(f"negative values for {negative}")
    return Split(parts, missing)


def mismatch(total: Number, parts: Mapping[Hashable, Number | None]) -> Decimal:
    """What the parts lack to make the total (negative when they exceed it)."""
    given = sum((Decimal(str(v)) for v in parts.values() if v is not None), Decimal(0))
    return Decimal(str(total)) - given


def growth(current: Number | None, proposed: Number | None) -> Decimal | None:
    """proposed / current − 1, or None when there is no base to grow from."""
    if not current or proposed is None:
        return None
    return Decimal(str(proposed)) / Decimal(str(current)) - 1


@dataclass(frozen=True)
class Proposal:
    """One child's line in the split wizard."""

    key: Hashable
    current: Decimal | int | None
    proposed: Decimal | None
    growth: Decimal | None
