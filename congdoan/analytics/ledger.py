"""What a membership span adds to the counts, and adding it (or taking it away) in place.

A span adds, on its first day: one member (female, suspended, non-state as the person and
the span are), and a join or a transfer in as its start reason says; on its end day: one
member less, and a leaving or a transfer out as its end reason says. Transfers count at
each grassroots union, so a move between two unions under one district federation is a
transfer out and a transfer in of that federation too: their difference is its net.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from congdoan.analytics.models import FIGURES, STOCKS, Checkpoint, UnitDay, UnitMonth
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
    """INSERT … SELECT that adds to the figures of a row already there (both databases)."""
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in (*key_columns, *FIGURES))
    updates = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in FIGURES)
    keys = ", ".join(q(c) for c in key_columns)
    return (
        f"INSERT INTO {table} ({columns}) {select} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )


def add(changes: dict[Key, list[int]]) -> None:
    """Add figure changes per (unit, day) to the daily rows and to the monthly ones.

    A change on day d moves the opening stocks of every kept month after d, and the flows
    of d's own month.
    """
    day_table = UnitDay._meta.db_table
    month_table = UnitMonth._meta.db_table
    checkpoint_table = Checkpoint._meta.db_table
    placeholders = ", ".join(["%s"] * (2 + len(FIGURES)))
    day_sql = _upsert_sql(day_table, ("unit_id", "day"), f"SELECT {placeholders} WHERE 1 = 1")
    stock_cases = ", ".join(
        "CASE WHEN c.month > %s THEN %s ELSE 0 END" for _ in STOCKS
    )
    flow_cases = ", ".join(
        "CASE WHEN c.month = %s THEN %s ELSE 0 END" for _ in FIGURES[_STOCK_COUNT:]
    )
    month_sql = _upsert_sql(
        month_table,
        ("unit_id", "month"),
        f"SELECT %s, c.month, {stock_cases}, {flow_cases} "
        f"FROM {checkpoint_table} c WHERE c.month >= %s",
    )
    day_rows, month_rows = [], []
    for (unit_id, day), values in changes.items():
        day_rows.append((unit_id, day, *values))
        month = month_of(day)
        params: list = [unit_id]
        for value in values[:_STOCK_COUNT]:
            params += [day, value]
        for value in values[_STOCK_COUNT:]:
            params += [month, value]
        month_rows.append((*params, month))
    with connection.cursor() as cursor:
        cursor.executemany(day_sql, day_rows)
        cursor.executemany(month_sql, month_rows)
