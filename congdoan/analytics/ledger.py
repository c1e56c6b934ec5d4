"""What a membership span adds to the counts, and adding it (or taking it away) in place.

A span adds, on its first day: one member (female, suspended, non-state as the person and
the span are), and a join or a transfer in as its start reason says; on its end day: one
member less, and a leaving or a transfer out as its end reason says. Transfers count at
each grassroots union, so a move between two unions under one district federation is a
transfer out and a transfer in of that federation too: their difference is its net.
"""

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

from congdoan.analytics.models import (
    FIGURES,
    STOCKS,
    Checkpoint,
    UnitDay,
    UnitMonth,
    new_stamp,
)
from congdoan.members.models import LEAVING_REASONS, Membership
from congdoan.members.span_hooks import SpanFacts

Start, End = Membership.StartReason, Membership.EndReason
JOINING = frozenset({Start.ADMITTED.value, Start.READMITTED.value})
LEAVING = frozenset(reason.value for reason in LEAVING_REASONS)
TRANSFER_IN = frozenset({Start.TRANSFERRED.value})
TRANSFER_OUT = frozenset({End.TRANSFERRED.value, End.TRANSFERRED_AWAY.value})
SUSPENDED = Membership.Status.SUSPENDED.value
_INDEX = {name: i for i, name in enumerate(FIGURES)}
_STOCK_COUNT = len(STOCKS)

Key = tuple[int, dt.date]


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def contributions(spans: Iterable[SpanFacts], sign: int = 1) -> dict[Key, list[int]]:
    """(unit, day) → the change of every figure (in FIGURES order) these spans make."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    for span in spans:
        stock = (1, int(span.female), int(span.status == SUSPENDED), int(span.non_state))
        row = out[(span.unit_id, span.start)]
        for i, value in enumerate(stock):
            row[i] += sign * value
        row[_INDEX["joined"]] += sign * (span.start_reason in JOINING)
        row[_INDEX["transferred_in"]] += sign * (span.start_reason in TRANSFER_IN)
        if span.end is not None:
            row = out[(span.unit_id, span.end)]
            for i, value in enumerate(stock):
                row[i] -= sign * value
            row[_INDEX["left"]] += sign * (span.end_reason in LEAVING)
            row[_INDEX["transferred_out"]] += sign * (span.end_reason in TRANSFER_OUT)
    return out


def apply_changes(*, removed: list[SpanFacts], added: list[SpanFacts]) -> None:
    """Bring the counts in line with spans removed and added (members.span_hooks handler)."""
    changes = contributions(added)
    for key, values in contributions(removed, -1).items():
        row = changes[key]
        for i, value in enumerate(values):
            row[i] += value
    changes = {key: values for key, values in changes.items() if any(values)}
    if changes:
        add(changes)


def _upsert_sql(table: str, key_columns: tuple[str, str], select: str) -> str:
    """INSERT that adds to the figures of a row already there (both databases); `select` is
    VALUES (…) or a SELECT."""
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in (*key_columns, *FIGURES))
    updates = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in FIGURES)
    keys = ", ".join(q(c) for c in key_columns)
    return f"INSERT INTO {table} ({columns}) {select} ON CONFLICT ({keys}) DO UPDATE SET {updates}"


_ARRAYS_FROM = 50  # rows; below, the statement per row is as quick


def _write(cursor, table: str, keys: tuple[str, str], row_sql: str, rows: list[tuple]) -> None:
    """Upsert the rows (one per key): on PostgreSQL, many at once as one array per column
    (a roster of 100,000 people adds tens of thousands of rows per chunk, 7 s one by one)."""
    if connection.vendor != "postgresql" or len(rows) < _ARRAYS_FROM:
        cursor.executemany(row_sql, rows)
        return
    import psycopg

    types = ("bigint", "date", *["integer"] * len(FIGURES))
    arrays = ", ".join(f"%b::{t}[]" for t in types)
    # A plain psycopg cursor on the same connection (so in the same transaction): Django's
    # binds on the client, quoting every element of every array in Python (0.6 s per
    # 100,000 rows); this one sends each array to the server in binary (%b).
    with psycopg.Cursor(connection.connection) as own:
        own.execute(
            _upsert_sql(table, keys, f"SELECT * FROM unnest({arrays}) AS rows WHERE 1 = 1"),
            [list(column) for column in zip(*rows, strict=True)],
        )


def add(changes: dict[Key, list[int]]) -> None:
    """Add figure changes per (unit, day) to the daily rows and to the monthly ones.

    A change on day d moves the opening stocks of every kept month after d, and the flows
    of d's own month: per union, the openings move by the running sum of the changes of the
    months before, one row per kept month from the first month changed.
    """
    by_month: dict[int, dict[dt.date, list[int]]] = defaultdict(dict)
    for (unit_id, day), values in changes.items():
        row = by_month[unit_id].setdefault(month_of(day), [0] * len(FIGURES))
        for i, value in enumerate(values):
            row[i] += value
    if getattr(_local, "gathering", False):
        _write_days(changes)
        _gather(by_month)
        return
    kept = _kept_months()
    month_rows = []
    for unit_id, months in by_month.items():
        opening = [0] * _STOCK_COUNT
        pending = sorted(months)
        for month in kept:
            # Every change of an earlier month opens this one.
            while pending and pending[0] < month:
                for i, value in enumerate(months[pending.pop(0)][:_STOCK_COUNT]):
                    opening[i] += value
            flows = months.get(month, [0] * len(FIGURES))[_STOCK_COUNT:]
            if any(opening) or any(flows):
                month_rows.append((unit_id, month, *opening, *flows))
    first_day = _write_days(changes)
    if month_rows:
        _upsert_rows(UnitMonth._meta.db_table, ("unit_id", "month"), month_rows)
    _months_moved(kept, first_day)


def _kept_months() -> list[dt.date]:
    return list(Checkpoint.objects.order_by("month").values_list("month", flat=True))


def _upsert_rows(table: str, keys: tuple[str, str], rows: list[tuple]) -> None:
    # One row's VALUES, not SELECT …: SQLite keeps a statement journal for every INSERT …
    # SELECT inside a transaction (it may write many rows), which made these upserts three
    # times slower (1.6 s instead of 0.6 s for a roster's 100,000 days).
    placeholders = ", ".join(["%s"] * (2 + len(FIGURES)))
    with connection.cursor() as cursor:
        _write(cursor, table, keys, _upsert_sql(table, keys, f"VALUES ({placeholders})"), rows)


def _write_days(changes: dict[Key, list[int]]) -> dt.date:
    """Upsert the daily rows; returns the first day changed."""
    day_rows = [(unit_id, day, *values) for (unit_id, day), values in changes.items()]
    _upsert_rows(UnitDay._meta.db_table, ("unit_id", "day"), day_rows)
    return min(day for _unit, day in changes)


def _months_moved(kept: list[dt.date], first_day: dt.date) -> None:
    """What a change from `first_day` on means for the months kept, besides their rows."""
    if kept and first_day < kept[-1]:
        # The openings of the months after the change moved: copies kept in memory
        # (analytics.openings) must be read again.
        Checkpoint.objects.filter(month__gt=first_day).update(stamp=new_stamp())
    earliest = month_of(first_day)
    if kept and earliest < kept[0]:
        # A change before the first month kept: the months from it on are made from the
        # daily rows (which hold it now), so every date keeps a month to start from.
        from congdoan.analytics.services import make_months_before

        make_months_before(earliest, kept[0])


# --- many changes, the months settled once ----------------------------------------------

_local = threading.local()
_GATHERED = "analytics_gathered_months"  # a temporary table: per connection, transactional


@contextmanager
def months_gathered() -> Iterator[None]:
    """Within, changes reach the daily rows at once but the monthly rows only on leaving.

    A change moves the opening of every kept month after it: a roster whose join dates span
    twenty years moved some 80,000 monthly rows per chunk of 5,000 people (7 s of 17 s for
    100,000 rows on SQLite). Within, each change is appended, as its (union, month), to a
    temporary table; on leaving, one statement spreads them over the kept months. The table
    is in the transaction, so what a savepoint rolls back is gone from it too. Leaving by an
    exception, or in a transaction marked for rollback, writes nothing: it is all undone.
    Nothing may read the monthly rows within (the import, its only user, does not). With no
    month kept yet there is nothing to spread, and add() goes its usual way.
    """
    if getattr(_local, "gathering", False) or not Checkpoint.objects.exists():
        yield  # the outer one settles; or no month is kept, and add() writes none
        return
    q = connection.ops.quote_name
    figures = ", ".join(f"{q(f)} integer NOT NULL" for f in FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_GATHERED} (unit_id bigint NOT NULL, "
            f"month date NOT NULL, {figures})"
        )
        cursor.execute(f"DELETE FROM {_GATHERED}")
    _local.gathering = True
    try:
        yield
    finally:
        _local.gathering = False
    if not connection.needs_rollback:
        _settle()


def _gather(by_month: dict[int, dict[dt.date, list[int]]]) -> None:
    """Append each (union, month)'s change: rows of one key from several chunks are summed
    when they settle (appending is cheaper than adding to the row already there)."""
    rows = [
        (unit_id, month, *values)
        for unit_id, months in by_month.items()
        for month, values in months.items()
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_GATHERED} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * (2 + len(FIGURES)))
            cursor.executemany(f"INSERT INTO {_GATHERED} VALUES ({marks})", rows)


def _settle() -> None:
    """Spread the gathered (union, month) changes over the kept months in one statement: a
    month opens with the running sum of the stocks changed in the months before it, and has
    its own month's flows. Per union, the rows from its first changed month on are walked
    once, in order (a window), not joined with every later month."""
    q = connection.ops.quote_name
    checkpoints = Checkpoint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(month) FROM {_GATHERED}")
        (first,) = cursor.fetchone()
        if first is None:
            return
        sums = ", ".join(f"SUM({q(f)}) AS {q(f)}" for f in FIGURES)
        own = ", ".join(f"COALESCE(g.{q(f)}, 0) AS {q(f)}" for f in FIGURES)
        before = ", ".join(f"COALESCE(SUM({q(f)}) OVER earlier, 0) AS {q(f)}" for f in STOCKS)
        flows = ", ".join(q(f) for f in FIGURES[_STOCK_COUNT:])
        nonzero = " OR ".join(f"r.{q(f)} <> 0" for f in FIGURES)
        spread = (
            f"WITH gathered AS (SELECT unit_id, month, {sums} FROM {_GATHERED} "
            "GROUP BY unit_id, month), "
            "firsts AS (SELECT unit_id, MIN(month) AS month FROM gathered GROUP BY unit_id), "
            # Every kept month from the union's first change, and the changed months too: a
            # change before the first kept month still opens every kept month.
            f"grid AS (SELECT f.unit_id, c.month FROM firsts f JOIN {checkpoints} c "
            "ON c.month >= f.month UNION SELECT unit_id, month FROM gathered), "
            f"cells AS (SELECT grid.unit_id, grid.month, {own} FROM grid LEFT JOIN "
            "gathered g ON g.unit_id = grid.unit_id AND g.month = grid.month), "
            f"running AS (SELECT unit_id, month, {before}, {flows} FROM cells WINDOW earlier "
            "AS (PARTITION BY unit_id ORDER BY month "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) "
        )
        select = (
            f"SELECT r.* FROM running r JOIN {checkpoints} c ON c.month = r.month "
            f"WHERE {nonzero}"
        )
        cursor.execute(spread + _upsert_sql(UnitMonth._meta.db_table, ("unit_id", "month"), select))
        cursor.execute(f"DELETE FROM {_GATHERED}")
    if isinstance(first, str):  # SQLite gives the text it keeps
        first = dt.date.fromisoformat(first)
    # `first` is a month's first day, not the day changed: that month's stamp moves too,
    # which costs its cached openings one more read and nothing else.
    kept = _kept_months()
    _months_moved(kept, first)
