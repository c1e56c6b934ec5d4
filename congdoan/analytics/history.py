"""Month-by-month figures of a few units (a unit and those directly under it), for forecasts
and charts: one read of the monthly rows of the unions under them, summed per unit."""

import datetime as dt
from collections import defaultdict

from django.db import connection

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
        self._sums: dict[int, dict[dt.date, list[int]]] = {u: defaultdict(_zeros) for u in unit_ids}
        if not self.months:
            return
        owners: dict[int, list[int]] = defaultdict(list)
        for unit_id in unit_ids:
            if shape.position(unit_id) is not None:
                for inside in shape.subtree(unit_id):
                    owners[inside].append(unit_id)
        self._read(owners, self.months[0], next_month(self.months[-1]))

    def _read(self, owners: dict[int, list[int]], first: dt.date, last: dt.date) -> None:
        q = connection.ops.quote_name
        columns = ", ".join(q(c) for c in FIGURES)
        ids = sorted(owners)
        with connection.cursor() as cursor:
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT unit_id, month, {columns} FROM {UnitMonth._meta.db_table} "
                    f"WHERE month >= %s AND month <= %s AND unit_id IN ({marks})",
                    [first, last, *chunk],
                )
                for unit_id, month, *values in cursor.fetchall():
                    if isinstance(month, str):
                        month = dt.date.fromisoformat(month)
                    for owner in owners[unit_id]:
                        row = self._sums[owner][month]
                        for j, value in enumerate(values):
                            row[j] += value

    def series(self, unit_id: int, name: str) -> list[tuple[dt.date, int]]:
        """(month, figure): a stock at the month's end, a flow over the month."""
        sums = self._sums.get(unit_id, {})
        column = FIGURES.index(name)
        if name in STOCKS:
            # The end of a month is the opening of the next.
            return [(m, sums.get(next_month(m), _zeros())[column]) for m in self.months]
        return [(m, sums.get(m, _zeros())[column]) for m in self.months]


def _zeros() -> list[int]:
    return [0] * len(FIGURES)
