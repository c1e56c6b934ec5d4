"""Month-by-month figures of a few units (a unit and those directly under it), for forecasts
and charts: one read of the monthly rows of the unions under them, summed per unit."""

import datetime as dt

import numpy as np

from congdoan.analytics import upper
from congdoan.analytics.models import FIGURES, STOCKS
from congdoan.analytics.services import ensure_checkpoints, next_month
from congdoan.analytics.structure import Shape


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
        # A unit with units under it: from the sums kept per structure and month for every
        # such unit (analytics.upper); a unit without: its own rows, read now.
        first, last = self.months[0], next_month(self.months[-1])
        self._base = upper.month_index(first)
        width = upper.month_index(last) - self._base + 1
        self._sums = np.zeros((len(unit_ids), width, len(FIGURES)), dtype=np.int64)
        present = [u for u in unit_ids if shape.position(u) is not None]
        parents = [u for u in present if shape.children.get(u)]
        if parents:
            slots, table = upper.monthly(shape, first, last)
            for unit_id in parents:
                self._sums[self._asked[unit_id]] = table[slots[unit_id]]
        leaves = [u for u in present if not shape.children.get(u)]
        if leaves:
            self._sums += upper.sums_by_owner(
                leaves, [self._asked[u] for u in leaves], len(unit_ids), first, last
            )

    def series(self, unit_id: int, name: str) -> list[tuple[dt.date, int]]:
        """(month, figure): a stock at the month's end, a flow over the month."""
        column = FIGURES.index(name)
        row = self._asked.get(unit_id)

        def value(month: dt.date) -> int:
            at = upper.month_index(month) - self._base
            if row is None or not 0 <= at < self._sums.shape[1]:
                return 0
            return int(self._sums[row, at, column])

        if name in STOCKS:
            # The end of a month is the opening of the next.
            return [(m, value(next_month(m))) for m in self.months]
        return [(m, value(m)) for m in self.months]




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
