"""Month-by-month figures of a few units (a unit and those directly under it), for forecasts
and charts: one read of the monthly rows of the unions under them, summed per unit."""

import datetime as dt

import numpy as np
from django.db import connection

from congdoan.analytics.arrays import fetch_ints
from congdoan.analytics.models import FIGURES, STOCKS, UnitMonth
from congdoan.analytics.services import ensure_checkpoints, next_month
from congdoan.analytics.structure import Shape

_CHUNK = 2000


class MonthlyHistory:
    """For each of `unit_ids`: stocks at the end of each whole month from `start`'s month
    up to the month before `end`'s, and the flows of those months, summed over the units
    under it in `shape`."""

    def __init__(self, unit_ids: list[int], shape: Shape, *, start: dt.date, end: dt.date):
        kept = ensure_checkpoints()
        self.months: list[dt.date] = []
        month, stop = start.replace(day=1), end.replace(day=1)
        while month < stop and kept is not None and next_month(month) <= kept:
            self.months.append(month)
            month = next_month(month)
        self._asked = {unit_id: i for i, unit_id in enumerate(unit_ids)}
        self._sums = np.zeros((len(unit_ids), 0, len(FIGURES)), dtype=np.int64)
        self._base = 0
        if not self.months:
            return
        # Each union is summed once, into the innermost asked unit it lies under; an asked
        # unit's figures are then its own sums plus those of the asked units inside it (the
        # page's unit: its children's and its own unions'), so no row is read twice.
        subtrees = {
            unit_id: set(shape.subtree(unit_id))
            for unit_id in unit_ids
            if shape.position(unit_id) is not None
        }
        innermost: dict[int, int] = {}
        for unit_id in sorted(subtrees, key=lambda u: len(subtrees[u]), reverse=True):
            innermost.update(dict.fromkeys(subtrees[unit_id], self._asked[unit_id]))
        if innermost:
            own = self._read(innermost, self.months[0], next_month(self.months[-1]))
            self._sums = np.zeros_like(own)
            for unit_id, inside in subtrees.items():
                rows = [self._asked[other] for other in subtrees if other in inside]
                self._sums[self._asked[unit_id]] = own[rows].sum(axis=0)

    def _read(self, owners: dict[int, int], first: dt.date, last: dt.date) -> np.ndarray:
        """Per asked unit (row) and month: the sums of the rows of the unions it owns."""
        q = connection.ops.quote_name
        sums_sql = ", ".join(f"SUM(u.{q(c)})" for c in FIGURES)
        month_index = (
            "CAST(EXTRACT(YEAR FROM u.month) * 12 + EXTRACT(MONTH FROM u.month) - 1 AS bigint)"
            if connection.vendor == "postgresql"
            else "CAST(strftime('%%Y', u.month) AS INTEGER) * 12 "
            "+ CAST(strftime('%%m', u.month) AS INTEGER) - 1"
        )
        # (union, asked unit) pairs: the database sums the months per asked unit, and only
        # those sums come back (a few hundred rows where the unions' own are thousands).
        pairs = sorted(owners.items())
        base = _index(first)
        sums = np.zeros((len(self._asked), _index(last) - base + 1, len(FIGURES)), dtype=np.int64)
        for i in range(0, len(pairs), _CHUNK):
            chunk = pairs[i : i + _CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            rows, rest = fetch_ints(
                f"SELECT m.owner, {month_index}, {sums_sql} "
                f"FROM {UnitMonth._meta.db_table} u JOIN (SELECT column1 AS unit_id, "
                f"column2 AS owner FROM (VALUES {values}) AS v) m ON m.unit_id = u.unit_id "
                f"WHERE u.month >= %s AND u.month <= %s GROUP BY m.owner, u.month",
                [*(x for pair in chunk for x in pair), first, last],
                1 + len(FIGURES),
            )
            np.add.at(sums, (rows, rest[:, 0] - base), rest[:, 1:])
        self._base = base
        return sums

    def series(self, unit_id: int, name: str) -> list[tuple[dt.date, int]]:
        """(month, figure): a stock at the month's end, a flow over the month."""
        column = FIGURES.index(name)
        row = self._asked.get(unit_id)

        def value(month: dt.date) -> int:
            at = _index(month) - self._base
            if row is None or not 0 <= at < self._sums.shape[1]:
                return 0
            return int(self._sums[row, at, column])

        if name in STOCKS:
            # The end of a month is the opening of the next.
            return [(m, value(next_month(m))) for m in self.months]
        return [(m, value(m)) for m in self.months]


def _index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def since_first(series: list[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    """The months from the first with a figure: the zeros before a union had members (or
    before its records were kept here) are not a history to extrapolate."""
    for i, (_month, value) in enumerate(series):
        if value:
            return series[i:]
    return []


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)
