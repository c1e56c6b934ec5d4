"""The opening stocks of every union for a kept month, held in memory by each process.

At national scale a month's openings are 130,000 rows: reading them is most of the time of
a roll-up, yet they change only when a change is dated before the month (a back-dated
admission, a correction). Each process keeps the few months last read, with the month's
stamp (Checkpoint.stamp, drawn anew by analytics.ledger whenever the rows change, and new
for months a rebuild makes): one indexed read tells whether the copy still holds.
"""

import datetime as dt
import threading
from collections import OrderedDict

import numpy as np
from django.db import connection

from congdoan.analytics.arrays import fetch_ints
from congdoan.analytics.models import STOCKS, Checkpoint, UnitMonth

KEEP = 6  # months; a national month is about 5 MB
_kept: OrderedDict[dt.date, tuple[int, np.ndarray, np.ndarray]] = OrderedDict()
_lock = threading.Lock()


def month_openings(month: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """(union ids, their STOCKS at the opening of `month`), `month` being kept."""
    # The stamp first: rows read after it are at least as new, so a copy is never newer
    # than its stamp says and a change between the two reads is seen on the next call.
    stamp = Checkpoint.objects.filter(month=month).values_list("stamp", flat=True).first()
    with _lock:
        found = _kept.get(month)
        if found is not None and stamp is not None and found[0] == stamp:
            _kept.move_to_end(month)
            return found[1], found[2]
    columns = ", ".join(connection.ops.quote_name(c) for c in STOCKS)
    ids, values = fetch_ints(
        f"SELECT unit_id, {columns} FROM {UnitMonth._meta.db_table} WHERE month = %s",
        [month],
        len(STOCKS),
    )
    if stamp is not None:
        # Safe inside a transaction too: if it rolls back, its stamps go with it and the
        # copy is never matched.
        _remember(month, stamp, ids, values)
    return ids, values


def _remember(month: dt.date, stamp: int, ids: np.ndarray, values: np.ndarray) -> None:
    ids.setflags(write=False)
    values.setflags(write=False)
    with _lock:
        _kept[month] = (stamp, ids, values)
        _kept.move_to_end(month)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)


def forget() -> None:
    with _lock:
        _kept.clear()
