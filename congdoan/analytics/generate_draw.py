"""The people of `congdoan generate`, drawn as numpy columns: where each belongs, gender,
people (Kinh, Khmer, Hoa by province), birth, national ID, and their membership history.

The histories: 35 % of the people joined in the year before `since`, evenly (the members
already there when the register begins: a longer past would only add months of aggregates
to every union); the rest after it, more each year and more in the second and fourth
quarters, fewer around Tết. Then the mix of generate_people: most hold one open span, some
were transferred within their province, some are suspended, some left.
"""

import datetime as dt

import numpy as np

from congdoan.analytics.generate_people import (
    FEMALE,
    MIX_LEFT,
    MIX_SUSPENDED,
    MIX_TRANSFERRED,
    NAME_POOL,
    PROVINCES,
)
from congdoan.members.models import Membership

EPOCH = dt.date(1970, 1, 1)
#: How the leavers' spans end; draw() numbers end reasons 0 transferred, 1 suspended, then
#: these from 2.
LEAVING = [
    Membership.EndReason.RETIRED.value,
    Membership.EndReason.LEFT_JOB.value,
    Membership.EndReason.WITHDREW.value,
]
#: Share of the people who joined before `since` (evenly over the year before it).
BEFORE_SINCE = 0.35
# Joins by calendar month: fewer around Tết, more in the second and fourth quarters.
SEASON = np.array([0.6, 0.5, 1.0, 1.3, 1.4, 1.3, 0.9, 0.9, 1.0, 1.3, 1.4, 1.2])
# Shares of Khmer and Hoa people by province (national ID prefix); elsewhere a few.
MINORITIES = {"094": (0.25, 0.03), "084": (0.3, 0.01), "091": (0.12, 0.02), "079": (0.0, 0.05),
              "095": (0.08, 0.02), "089": (0.04, 0.01)}  # fmt: skip
FEW = (0.001, 0.004)


def day_number(value: dt.date) -> int:
    return (value - EPOCH).days


def join_days(rng: np.random.Generator, count: int, since: int, last: dt.date) -> np.ndarray:
    """Join dates (days since 1970): evenly before `since`, then a rising, seasonal flow."""
    early = rng.random(count) < BEFORE_SINCE
    start, cut = day_number(dt.date(since - 1, 1, 1)), day_number(dt.date(since, 1, 1))
    days = rng.integers(start, cut, size=count)
    months = []
    month = dt.date(since, 1, 1)
    while month <= last:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    firsts = np.array([day_number(m) for m in months] + [day_number(last) + 1])
    trend = 1 + np.arange(len(months)) / max(1, len(months))
    weights = trend * SEASON[[m.month - 1 for m in months]]
    late = ~early
    picked = rng.choice(len(months), size=int(late.sum()), p=weights / weights.sum())
    length = firsts[picked + 1] - firsts[picked]
    days[late] = firsts[picked] + (rng.random(len(picked)) * length).astype(np.int64)
    return days


def draw(
    rng: np.random.Generator, count: int, tree, *, since: int, on: dt.date, first_id: int
) -> dict[str, np.ndarray]:
    """Every person's columns (ids from `first_id`) and the second span of those who have
    one."""
    # Uneven union sizes: many of a few dozen, a few of thousands.
    weights = np.minimum(rng.pareto(1.1, size=len(tree.grassroots)) + 1, 300.0)
    cumulative = np.cumsum(weights)
    home = np.searchsorted(cumulative, rng.random(count) * cumulative[-1], side="right")
    home = np.minimum(home, len(tree.grassroots) - 1)
    province = tree.province_of[home]
    female = rng.random(count) < FEMALE
    khmer = np.array([MINORITIES.get(p[0], FEW)[0] for p in PROVINCES])[province]
    hoa = np.array([MINORITIES.get(p[0], FEW)[1] for p in PROVINCES])[province]
    roll = rng.random(count)
    people = np.where(roll < khmer, 1, np.where(roll < khmer + hoa, 2, 0))
    today_ = day_number(on)
    # Everyone joins at least 90 days before `on`: room for a later transfer or departure.
    joined = join_days(rng, count, since, on - dt.timedelta(days=90))
    join_year = (joined.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)) + 1970
    # Between 19 and 45 at joining, and no older than 60 today when that is possible.
    years_since = (today_ - joined) // 365
    oldest = np.clip(60 - years_since, 19, 45)
    age = 19 + (rng.random(count) * (oldest - 19 + 1)).astype(np.int64)
    born = join_year - age
    born_first = (born - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    birth = born_first + rng.integers(0, 365, size=count)
    # The mix of histories and the day each second span begins (or the only one ends).
    roll = rng.random(count)
    later = joined + 30 + (rng.random(count) * np.maximum(1, today_ - joined - 60)).astype(
        np.int64
    )
    lo, hi = tree.starts[province], tree.starts[province + 1]
    other = lo + (rng.random(count) * (hi - lo)).astype(np.int64)
    other = np.where(other == home, lo + (other - lo + 1) % np.maximum(1, hi - lo), other)
    transferred = (roll < MIX_TRANSFERRED) & (hi - lo > 1)
    suspended = (roll >= MIX_TRANSFERRED) & (roll < MIX_SUSPENDED)
    left = (roll >= MIX_SUSPENDED) & (roll < MIX_LEFT)
    suspended_on = np.maximum(joined + 30, today_ - rng.integers(0, 300, size=count))
    end = np.where(transferred | left, later, np.where(suspended, suspended_on, -1))
    return {
        "unit": tree.grassroots[home],
        "province": province,
        "female": female,
        "people": people,
        "joined": joined,
        "born": born,
        "birth": birth,
        "has_birth": rng.random(count) < 0.85,
        "has_id": rng.random(count) < 0.95,
        "name": rng.integers(0, pool(count), size=count),
        "end": end,
        "end_reason": np.where(
            transferred, 0, np.where(suspended, 1, 2 + rng.integers(0, len(LEAVING), count))
        ),
        "transferred": transferred,
        "suspended": suspended,
        "other": tree.grassroots[other],
        "first_id": np.array(first_id),
    }


def national_ids(people: dict) -> np.ndarray:
    """12-digit numbers, unique: province, century and gender, year of birth, then a serial
    spread over the million numbers of that prefix by the person's rank among its holders."""
    codes = np.array([int(p[0]) for p in PROVINCES])[people["province"]]
    born = people["born"]
    marker = (born - 1900) // 100 * 2 + people["female"]
    prefix = codes * 1000 + marker * 100 + born % 100
    order = np.argsort(prefix, kind="stable")
    ordered = prefix[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(ordered)])
    if sizes.size and sizes.max() > 1_000_000:
        raise ValueError("more than a million people share a national ID prefix")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order)) - np.repeat(starts, sizes)
    # 7919 is prime to 10**6: distinct ranks give distinct serials.
    serial = (prefix * 2654435761 + rank * 7919) % 1_000_000
    return prefix * 1_000_000 + serial


def pool(count: int) -> int:
    return max(1, min(count, NAME_POOL))
