"""Figures of every unit at once, from the kept counts summed up the tree.

Stocks on a date: the opening of the date's month (one row per union) plus the changes of
its days up to the date; flows over a period: whole months from the monthly rows and the
days at either edge from the daily rows. Then one pass per level of the tree adds each
unit into its parent (analytics.structure).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from congdoan.analytics.arrays import add_rows, fetch_ints
from congdoan.analytics.models import FLOWS, STOCKS, UnitDay, UnitMonth
from congdoan.analytics.openings import month_openings
from congdoan.analytics.services import ensure_checkpoints, next_month
from congdoan.analytics.structure import AS_WAS, CURRENT, STRUCTURES, Shape, shape

__all__ = [
    "AS_WAS",
    "CURRENT",
    "STRUCTURES",
    "Rollup",
    "monthly_stock",
    "rollup_between",
    "rollup_on",
]
DAY, MONTH = UnitDay._meta.db_table, UnitMonth._meta.db_table


@dataclass
class Rollup:
    """Figures (`names`) of every unit of a structure, its own and everything under it."""

    structure: str
    start: dt.date | None
    end: dt.date
    names: tuple[str, ...]
    shape: Shape
    totals: np.ndarray  # one row per unit of shape.ids, one column per name

    @property
    def on(self) -> dt.date:
        return self.end

    @property
    def ids(self) -> np.ndarray:
        return self.shape.ids

    @property
    def values(self) -> dict[str, np.ndarray]:
        return {name: self.totals[:, i] for i, name in enumerate(self.names)}

    def of(self, unit_id: int) -> dict[str, int]:
        """The figures of one unit (zeros for a unit not in the structure that day)."""
        position = self.shape.position(unit_id)
        if position is None:
            return dict.fromkeys(self.names, 0)
        return {name: int(self.totals[position, i]) for i, name in enumerate(self.names)}

    def children(self, unit_id: int) -> list[int]:
        return list(self.shape.children.get(unit_id, ()))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _by_unit(parts: list[tuple[str, list]], names: Sequence[str]) -> tuple[np.ndarray, ...]:
    """The rows of every part, a union possibly in several: summed when placed in the tree."""
    columns = ", ".join(_q(name) for name in names)
    ids, values = [], []
    for sql, params in parts:
        found_ids, found = fetch_ints(
            f"SELECT unit_id, {columns} FROM ({sql}) AS part", params, len(names)
        )
        ids.append(found_ids)
        values.append(found)
    return np.concatenate(ids), np.concatenate(values)


def _rolled(
    unit_ids: np.ndarray, values: np.ndarray, structure: str, on: dt.date, names, start=None
) -> Rollup:
    layout = shape(structure, on)
    own = np.zeros((len(layout.ids), len(names)), dtype=np.int64)
    positions, inside = layout.positions(unit_ids)
    add_rows(own, positions[inside], values[inside])
    return Rollup(structure, start, on, tuple(names), layout, layout.roll_up(own))


def stock_rows(on: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """(union ids, their STOCKS on `on` after that day's changes), unions with any row."""
    kept = ensure_checkpoints()
    columns = ", ".join(_q(c) for c in STOCKS)
    if kept is None:
        return _by_unit([(f"SELECT unit_id, {columns} FROM {DAY} WHERE day <= %s", [on])], STOCKS)
    month = min(on.replace(day=1), kept)
    following = next_month(month)
    if on.replace(day=1) == month and following <= kept and (following - on).days < on.day:
        # Late in a past month: the next month's opening less the days after `on` reads
        # fewer daily rows than this month's opening plus the days up to it.
        opening, days, sign = following, ("day > %s AND day < %s", [on, following]), -1
    else:
        opening, days, sign = month, ("day >= %s AND day <= %s", [month, on]), 1
    opening_ids, openings = month_openings(opening)
    where, params = days
    day_ids, changes = _by_unit(
        [(f"SELECT unit_id, {columns} FROM {DAY} WHERE {where}", params)], STOCKS
    )
    changes = sign * changes
    return np.concatenate([opening_ids, day_ids]), np.concatenate([openings, changes])


def rollup_on(on: dt.date, *, structure: str = AS_WAS) -> Rollup:
    """Every unit's STOCKS on `on` (after that day's changes)."""
    unit_ids, values = stock_rows(on)
    return _rolled(unit_ids, values, structure, on, STOCKS)


def flow_rows(start: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """(union ids, their FLOWS from `start` to `end`, both days included)."""
    kept = ensure_checkpoints()
    columns = ", ".join(_q(c) for c in FLOWS)
    first = start if start.day == 1 else next_month(start)
    whole = []  # months wholly inside the period and kept
    month = first
    while kept is not None and month <= kept and next_month(month) - dt.timedelta(1) <= end:
        whole.append(month)
        month = next_month(month)
    if not whole:
        parts = [
            (f"SELECT unit_id, {columns} FROM {DAY} WHERE day >= %s AND day <= %s", [start, end])
        ]
        return _by_unit(parts, FLOWS)
    after = next_month(whole[-1])
    # Summed per union in the database: a year's months are 1.3 million rows nationally,
    # their sums 130,000.
    sums = ", ".join(f"SUM({_q(c)}) AS {_q(c)}" for c in FLOWS)
    parts = [
        (
            f"SELECT unit_id, {sums} FROM {MONTH} WHERE month >= %s AND month <= %s "
            f"GROUP BY unit_id",
            [whole[0], whole[-1]],
        )
    ]
    if start < whole[0]:
        parts.append(
            (
                f"SELECT unit_id, {columns} FROM {DAY} WHERE day >= %s AND day < %s",
                [start, whole[0]],
            )
        )
    if after <= end:
        parts.append(
            (f"SELECT unit_id, {columns} FROM {DAY} WHERE day >= %s AND day <= %s", [after, end])
        )
    return _by_unit(parts, FLOWS)


def rollup_between(start: dt.date, end: dt.date, *, structure: str = AS_WAS) -> Rollup:
    """Every unit's FLOWS from `start` to `end`, both included, in the structure of `end`."""
    unit_ids, values = flow_rows(start, end)
    return _rolled(unit_ids, values, structure, end, FLOWS, start=start)


def monthly_stock(
    unit, *, start: dt.date, end: dt.date, structure: str = AS_WAS, field: str = "members"
) -> list[tuple[dt.date, int]]:
    """A unit's `field` at the end of each month from `start`'s to `end`'s (that one on
    `end`), summed over the units under it on `end` (as-was) or today (current)."""
    if field not in STOCKS:
        raise ValueError(field)
    kept = ensure_checkpoints()
    layout = shape(structure, end)
    if layout.position(unit.pk) is None:
        return []
    inside = layout.subtree(unit.pk)
    months = []
    month = start.replace(day=1)
    while month <= end.replace(day=1):
        months.append(month)
        month = next_month(month)
    openings: dict[dt.date, int] = {}
    if kept is not None and len(months) > 1:
        wanted = [next_month(m) for m in months[:-1] if next_month(m) <= kept]
        if wanted:
            openings = _openings(inside, wanted[0], wanted[-1], field)
    out = []
    for month in months[:-1]:
        following = next_month(month)
        if following in openings or (kept is not None and following <= kept):
            out.append((month, openings.get(following, 0)))
    last = rollup_on(end, structure=structure).of(unit.pk)[field]
    out.append((months[-1], last))
    return out


def _openings(units: list[int], first: dt.date, last: dt.date, field: str) -> dict:
    sums: dict[dt.date, int] = {}
    column = _q(field)
    with connection.cursor() as cursor:
        for i in range(0, len(units), 2000):
            chunk = units[i : i + 2000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT month, SUM({column}) FROM {MONTH} WHERE month >= %s AND month <= %s "
                f"AND unit_id IN ({marks}) GROUP BY month",
                [first, last, *chunk],
            )
            for month, value in cursor.fetchall():
                if isinstance(month, str):
                    month = dt.date.fromisoformat(month)
                sums[month] = sums.get(month, 0) + int(value)
    return sums
