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
        # Each union's rows count for every asked unit it lies under: the first asked unit
        # and, when the others are units under it, the one of them it lies in. Each such
        # layer maps a union to at most one asked unit, so it sums with one numpy pass.
        layers: list[dict[int, int]] = []
        for unit_id in unit_ids:
            if shape.position(unit_id) is None:
                continue
            inside = shape.subtree(unit_id)
            layer = next((lay for lay in layers if not any(i in lay for i in inside)), None)
            if layer is None:
                layer = {}
                layers.append(layer)
            layer.update(dict.fromkeys(inside, unit_id))
        if layers:
            self._read(layers, self.months[0], next_month(self.months[-1]))

    def _read(self, layers: list[dict[int, int]], first: dt.date, last: dt.date) -> None:
        q = connection.ops.quote_name
        columns = ", ".join(q(c) for c in FIGURES)
        ids = sorted({i for layer in layers for i in layer})
        month_index = (
            "CAST(EXTRACT(YEAR FROM month) * 12 + EXTRACT(MONTH FROM month) - 1 AS bigint)"
            if connection.vendor == "postgresql"
            else "CAST(strftime('%%Y', month) AS INTEGER) * 12 "
            "+ CAST(strftime('%%m', month) AS INTEGER) - 1"
        )
        base = _index(first)
        sums = np.zeros((len(self._asked), _index(last) - base + 1, len(FIGURES)), dtype=np.int64)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            unit_col, rest = fetch_ints(
                f"SELECT unit_id, {month_index}, {columns} FROM {UnitMonth._meta.db_table} "
                f"WHERE month >= %s AND month <= %s AND unit_id IN ({marks})",
                [first, last, *chunk],
                1 + len(FIGURES),
            )
            months, values = rest[:, 0] - base, rest[:, 1:]
            for layer in layers:
                owner = np.array(
                    [self._asked.get(layer.get(int(u)), -1) for u in unit_col], dtype=np.int64
                )
                keep = owner >= 0
                np.add.at(sums, (owner[keep], months[keep]), values[keep])
        self._sums = sums
        self._base = base

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
