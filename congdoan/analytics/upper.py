"""Month by month, the figures of every unit that has units under it, kept per process.

A page's history (forecasts, the line chart) is its unit's and its children's months. Read
from the unions' monthly rows each time, the confederation's page sums 4.9 million rows
(131,735 unions, 37 months) and took a minute. Here one statement sums every union's rows
into its parent (or itself, when it has units under it) per month, numpy adds each such
unit into the one above it, and the result is kept per structure and month: one
structure's months then serve every page and window that asks for them. At national size
that is 694 units, 50 KB a month.

A month's sums hold as long as its opening and its flows do: the stamps of that month and
of the next (analytics.ledger draws them anew on a change dated before them; a rebuild
makes new months).
"""

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.db import connection

from congdoan.analytics.arrays import add_rows, fetch_ints
from congdoan.analytics.models import FIGURES, Checkpoint, UnitMonth
from congdoan.analytics.services import next_month
from congdoan.analytics.structure import Shape

KEEP = 500  # (structure, month) entries: 25 MB at national size, far less at the demo's
_CHUNK = 2000
_kept: OrderedDict[tuple[int, dt.date], tuple[Shape, tuple, np.ndarray]] = OrderedDict()
_layouts: dict[int, tuple[Shape, "_Layout"]] = {}
_lock = threading.Lock()


@dataclass
class _Layout:
    """The units with units under them (slots), each unit's slot, and the roll-up steps."""

    slots: dict[int, int]  # unit id → row
    unit_ids: list[int]  # every unit placed in a slot ...
    owners: list[int]  # ... and that slot: its own, or its parent's
    steps: list[tuple[np.ndarray, np.ndarray]]  # per level, deepest first: (rows, their parents)


def _layout(shape: Shape) -> _Layout:
    with _lock:
        found = _layouts.get(id(shape))
        if found is not None and found[0] is shape:
            return found[1]
    slot_of = np.full(len(shape.ids), -1, dtype=np.int64)
    parents = sorted(
        i for i, below in shape.children.items() if below and shape.position(i) is not None
    )
    positions = np.array([shape.position(u) for u in parents], dtype=np.int64)
    slot_of[positions] = np.arange(len(parents))
    parent_slot = np.where(shape.parent >= 0, slot_of[np.maximum(shape.parent, 0)], -1)
    owner = np.where(slot_of >= 0, slot_of, parent_slot)
    placed = owner >= 0
    steps = []
    for level in shape.levels:
        rows = level[slot_of[level] >= 0]
        if len(rows):
            steps.append((slot_of[rows], slot_of[shape.parent[rows]]))
    layout = _Layout(
        slots={u: i for i, u in enumerate(parents)},
        unit_ids=shape.ids[placed].tolist(),
        owners=owner[placed].tolist(),
        steps=steps,
    )
    with _lock:
        _layouts[id(shape)] = (shape, layout)
        while len(_layouts) > 16:
            _layouts.pop(next(iter(_layouts)))
    return layout


def monthly(shape: Shape, first: dt.date, last: dt.date) -> tuple[dict[int, int], np.ndarray]:
    """(unit id → row, sums of shape (rows, months from `first` to `last`, FIGURES)) for
    every unit of `shape` with units under it: the monthly rows of the unions under it."""
    layout = _layout(shape)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = next_month(month)
    stamps = dict(
        Checkpoint.objects.filter(month__gte=first, month__lte=next_month(last)).values_list(
            "month", "stamp"
        )
    )

    def key(m: dt.date) -> tuple:
        return (stamps.get(m), stamps.get(next_month(m)))

    table = np.zeros((len(layout.slots), len(months), len(FIGURES)), dtype=np.int64)
    missing = []
    with _lock:
        for i, m in enumerate(months):
            found = _kept.get((id(shape), m))
            if found is not None and found[0] is shape and found[1] == key(m):
                table[:, i] = found[2]
                _kept.move_to_end((id(shape), m))
            else:
                missing.append(i)
    if missing and layout.slots:
        lo, hi = months[missing[0]], months[missing[-1]]
        sums = sums_by_owner(layout.unit_ids, layout.owners, len(layout.slots), lo, hi)
        flat = sums.reshape(len(layout.slots), -1)
        for rows, above in layout.steps:
            add_rows(flat, above, flat[rows])
        offset = missing[0]
        with _lock:
            for i in missing:
                table[:, i] = sums[:, i - offset]
                _kept[(id(shape), months[i])] = (shape, key(months[i]), sums[:, i - offset].copy())
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    return layout.slots, table


def sums_by_owner(
    unit_ids: list[int], owners: list[int], rows: int, first: dt.date, last: dt.date
) -> np.ndarray:
    """(rows, months from `first` to `last`, FIGURES): the monthly rows of each unit summed
    into the row its owner says. The database sums, and only the sums come back."""
    q = connection.ops.quote_name
    sums_sql = ", ".join(f"SUM(u.{q(c)})" for c in FIGURES)
    base = month_index(first)
    sums = np.zeros((rows, month_index(last) - base + 1, len(FIGURES)), dtype=np.int64)
    if connection.vendor == "postgresql":
        month_sql = (
            "CAST(EXTRACT(YEAR FROM u.month) * 12 + EXTRACT(MONTH FROM u.month) - 1 AS bigint)"
        )
        # Two arrays, one statement: one pass over the months' rows however many units.
        owned = "unnest(%s::bigint[], %s::bigint[]) AS m(unit_id, owner)"
        batches = [(owned, [list(unit_ids), list(owners)])]
    else:
        month_sql = (
            "CAST(strftime('%%Y', u.month) AS INTEGER) * 12 "
            "+ CAST(strftime('%%m', u.month) AS INTEGER) - 1"
        )
        pairs = list(zip(unit_ids, owners, strict=True))
        batches = []
        for i in range(0, len(pairs), _CHUNK):
            chunk = pairs[i : i + _CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            batches.append((
                f"(SELECT column1 AS unit_id, column2 AS owner FROM (VALUES {values}) AS v) m",
                [x for pair in chunk for x in pair],
            ))  # fmt: skip
    for owned, params in batches:
        found, rest = fetch_ints(
            f"SELECT m.owner, {month_sql}, {sums_sql} FROM {UnitMonth._meta.db_table} u "
            f"JOIN {owned} ON m.unit_id = u.unit_id "
            f"WHERE u.month >= %s AND u.month <= %s GROUP BY m.owner, u.month",
            [*params, first, last],
            1 + len(FIGURES),
        )
        np.add.at(sums, (found, rest[:, 0] - base), rest[:, 1:])
    return sums


def month_index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def forget() -> None:
    with _lock:
        _kept.clear()
        _layouts.clear()
