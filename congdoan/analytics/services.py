"""Writing the aggregates: the full rebuild from spans, and months made as time passes.

Day-to-day changes arrive through members.span_hooks (analytics.ledger); these are the
set-based writers, one statement per table, for a rebuild and for a month's first reading.
"""

import datetime as dt
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from congdoan.analytics import cache
from congdoan.analytics.ledger import JOINING, LEAVING, SUSPENDED, TRANSFER_IN, TRANSFER_OUT
from congdoan.analytics.models import FIGURES, FLOWS, STOCKS, Checkpoint, UnitDay, UnitMonth
from congdoan.core.dates import today
from congdoan.enterprises.models import NON_STATE_SECTOR, Enterprise
from congdoan.members.models import Member, Membership

DAY, MONTH, CHECKPOINT = (m._meta.db_table for m in (UnitDay, UnitMonth, Checkpoint))


@dataclass(frozen=True)
class Rebuilt:
    days: int
    months: int
    checkpoints: int
    seconds: float

    def as_dict(self) -> dict:
        return {
            "days": self.days,
            "months": self.months,
            "checkpoints": self.checkpoints,
            "seconds": round(self.seconds, 3),
        }


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _in(values) -> str:
    # Constants of the code (reasons, ownerships), never user input.
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(values))


def _month_expr(column: str) -> str:
    if connection.vendor == "postgresql":
        # Through timestamp, not the timestamptz a bare date becomes: no time zone to apply
        # to each of millions of rows.
        return f"CAST(date_trunc('month', CAST({column} AS timestamp)) AS date)"
    return f"date({column}, 'start of month')"


def _lock(*tables: str, mode: str) -> None:
    # SQLite has one writer at a time anyway; PostgreSQL needs telling.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {', '.join(tables)} IN {mode} MODE")


def _daily_sql() -> str:
    """The daily rows from the spans: one GROUP BY over starts and ends together."""
    span, member, enterprise = (m._meta.db_table for m in (Membership, Member, Enterprise))
    end = _q("end")
    female = "CASE WHEN m.gender = 'female' THEN 1 ELSE 0 END"
    suspended = f"CASE WHEN s.status = '{SUSPENDED}' THEN 1 ELSE 0 END"
    non_state = f"CASE WHEN e.ownership IN ({_in(NON_STATE_SECTOR)}) THEN 1 ELSE 0 END"

    def when(column: str, values) -> str:
        return f"CASE WHEN s.{column} IN ({_in(values)}) THEN 1 ELSE 0 END"

    joins = (
        f"FROM {span} s JOIN {member} m ON m.id = s.member_id "
        f"LEFT JOIN {enterprise} e ON e.id = m.enterprise_id"
    )
    starts = (
        f"SELECT s.unit_id, s.start AS day, 1 AS a, {female} AS b, {suspended} AS c, "
        f"{non_state} AS d, {when('start_reason', JOINING)} AS j, 0 AS l, "
        f"{when('start_reason', TRANSFER_IN)} AS ti, 0 AS tout {joins}"
    )
    ends = (
        f"SELECT s.unit_id, s.{end}, -1, -({female}), -({suspended}), -({non_state}), 0, "
        f"{when('end_reason', LEAVING)}, 0, {when('end_reason', TRANSFER_OUT)} {joins} "
        f"WHERE s.{end} IS NOT NULL"
    )
    columns = ", ".join(_q(c) for c in ("unit_id", "day", *FIGURES))
    sums = "SUM(a), SUM(b), SUM(c), SUM(d), SUM(j), SUM(l), SUM(ti), SUM(tout)"
    # Written in date order: a date's rows then lie together on disk, and reading one
    # month for every union touches a few pages, not one page per union.
    return (
        f"INSERT INTO {DAY} ({columns}) SELECT unit_id, day, {sums} "
        f"FROM ({starts} UNION ALL {ends}) x GROUP BY unit_id, day ORDER BY day, unit_id"
    )


def _monthly_sql() -> str:
    """The monthly rows for every checkpoint: openings as running sums of earlier months."""
    stocks = [_q(c) for c in STOCKS]
    flows = [_q(c) for c in FLOWS]
    # Integers, so that the running sums below add machine integers, not numerics.
    by_month = ", ".join(f"CAST(SUM({c}) AS integer) AS {c}" for c in stocks + flows)
    monthly = (
        f"SELECT unit_id, {_month_expr('day')} AS month, {by_month} FROM {DAY} "
        f"GROUP BY unit_id, {_month_expr('day')}"
    )
    grid = (
        f"SELECT f.unit_id, c.month FROM (SELECT unit_id, MIN({_month_expr('day')}) AS first "
        f"FROM {DAY} GROUP BY unit_id) f JOIN {CHECKPOINT} c ON c.month >= f.first"
    )
    filled = ", ".join(f"COALESCE(mo.{c}, 0) AS {c}" for c in stocks + flows)
    # The opening of a month: every change before it, so the running sum less its own.
    openings = ", ".join(
        f"SUM({c}) OVER (PARTITION BY unit_id ORDER BY month) - {c} AS {c}" for c in stocks
    )
    nonzero = " OR ".join(f"{c} <> 0" for c in stocks + flows)
    columns = ", ".join(_q(c) for c in ("unit_id", "month", *FIGURES))
    return (
        f"INSERT INTO {MONTH} ({columns}) SELECT unit_id, month, {', '.join(stocks + flows)} "
        f"FROM (SELECT unit_id, month, {openings}, {', '.join(flows)} FROM ("
        f"SELECT g.unit_id, g.month, {filled} FROM ({grid}) g "
        f"LEFT JOIN ({monthly}) mo ON mo.unit_id = g.unit_id AND mo.month = g.month"
        f") filled) opened WHERE {nonzero} ORDER BY month, unit_id"
    )


@contextmanager
def _indexes_made_after(model, *, enabled: bool):
    """Writes to `model`'s table with its secondary indexes dropped and made again after:
    one sorted build is far cheaper than keeping a B-tree of millions of rows in order row
    by row. Inside the rebuild's transaction, so nobody sees the table without them."""
    if not enabled:
        yield
        return
    meta = model._meta
    with connection.schema_editor(atomic=False) as editor:
        for constraint in meta.constraints:
            editor.remove_constraint(model, constraint)
        for index in meta.indexes:
            editor.remove_index(model, index)
    yield
    with connection.schema_editor(atomic=False) as editor:
        for constraint in meta.constraints:
            editor.add_constraint(model, constraint)
        for index in meta.indexes:
            editor.add_index(model, index)


@transaction.atomic
def rebuild() -> Rebuilt:
    """Recompute every count from the membership spans (`congdoan rebuild`)."""
    started = time.perf_counter()
    _lock(Membership._meta.db_table, Member._meta.db_table, mode="SHARE")
    _lock(DAY, MONTH, CHECKPOINT, mode="EXCLUSIVE")
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"TRUNCATE {MONTH}, {DAY}, {CHECKPOINT}")
            # Memory for the sorts and hashes of tens of millions of rows, for this
            # transaction only: on disk they take several times as long.
            cursor.execute("SET LOCAL work_mem = '1GB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        else:
            for table in (MONTH, DAY, CHECKPOINT):
                cursor.execute(f"DELETE FROM {table}")
    with _indexes_made_after(UnitDay, enabled=postgres), connection.cursor() as cursor:
        cursor.execute(_daily_sql())
        cursor.execute(f"SELECT MIN(day) FROM {DAY}")
        first = cursor.fetchone()[0]
    checkpoints = 0
    if first is not None:
        if isinstance(first, str):  # SQLite's aggregates lose the column's type
            first = dt.date.fromisoformat(first)
        months, month, last = [], first.replace(day=1), today().replace(day=1)
        while month <= last:
            months.append(Checkpoint(month=month))
            month = next_month(month)
        Checkpoint.objects.bulk_create(months, batch_size=1000)
        checkpoints = len(months)
        with _indexes_made_after(UnitMonth, enabled=postgres), connection.cursor() as cursor:
            cursor.execute(_monthly_sql())
    cache.forget()
    return Rebuilt(
        days=UnitDay.objects.count(),
        months=UnitMonth.objects.count(),
        checkpoints=checkpoints,
        seconds=time.perf_counter() - started,
    )


def last_checkpoint() -> dt.date | None:
    return Checkpoint.objects.order_by("-month").values_list("month", flat=True).first()


def ensure_checkpoints() -> dt.date | None:
    """Make the monthly rows of every month up to this one, as a rebuild leaves them;
    returns the last month kept. Cheap when they are there: one indexed read."""
    upto = today().replace(day=1)
    last = last_checkpoint()
    if last is not None and last >= upto:
        return last
    if last is None and not UnitDay.objects.exists():
        return None
    return _make_months(upto)


@transaction.atomic
def _make_months(upto: dt.date) -> dt.date:
    # A span written while a month is made must not be left out of it: the daily rows
    # are locked against writers until this transaction ends.
    _lock(DAY, mode="SHARE")
    last = last_checkpoint()  # again: another process may have made them meanwhile
    if last is not None and last >= upto:
        return last
    if last is None:
        # Counts written before any rebuild: from the first day, with nothing open before.
        month = UnitDay.objects.order_by("day").values_list("day", flat=True).first()
        month = month.replace(day=1)
    else:
        month = next_month(last)
    with connection.cursor() as cursor:
        while month <= upto:
            following = next_month(month)
            parts = []
            if last is not None:
                parts += [
                    _stocks_from(MONTH, "month = %s", [last]),
                    _stocks_from(DAY, "day >= %s AND day < %s", [last, month]),
                ]
            parts.append(_flows_of(month, following))
            _insert_month(cursor, month, parts)
            Checkpoint.objects.create(month=month)
            last, month = month, following
    return last


def make_months_before(first: dt.date, kept: dt.date) -> None:
    """The monthly rows of the months from `first` up to `kept` (the first month kept so
    far), from the daily rows: for a change dated before anything kept."""
    month = first
    with connection.cursor() as cursor:
        while month < kept:
            following = next_month(month)
            parts = [_stocks_from(DAY, "day < %s", [month]), _flows_of(month, following)]
            _insert_month(cursor, month, parts)
            Checkpoint.objects.create(month=month)
            month = following


def _stocks_from(table: str, where: str, params: list) -> tuple[str, list]:
    stocks = ", ".join(_q(c) for c in STOCKS)
    # Named: the first SELECT of a UNION names the columns the outer query sums.
    no_flows = ", ".join(f"0 AS {_q(c)}" for c in FLOWS)
    return f"SELECT unit_id, {stocks}, {no_flows} FROM {table} WHERE {where}", params


def _flows_of(month: dt.date, following: dt.date) -> tuple[str, list]:
    no_stocks = ", ".join(f"0 AS {_q(c)}" for c in STOCKS)
    flows = ", ".join(_q(c) for c in FLOWS)
    where = "day >= %s AND day < %s"
    return f"SELECT unit_id, {no_stocks}, {flows} FROM {DAY} WHERE {where}", [month, following]


def _insert_month(cursor, month: dt.date, parts: list[tuple[str, list]]) -> None:
    """The monthly rows of `month`: per union, the sums of the parts' rows (not all zero)."""
    sums = ", ".join(f"SUM({_q(c)})" for c in FIGURES)
    nonzero = " OR ".join(f"SUM({_q(c)}) <> 0" for c in FIGURES)
    columns = ", ".join(_q(c) for c in ("unit_id", "month", *FIGURES))
    union = " UNION ALL ".join(sql for sql, _params in parts)
    cursor.execute(
        f"INSERT INTO {MONTH} ({columns}) SELECT unit_id, %s, {sums} "
        f"FROM ({union}) x GROUP BY unit_id HAVING {nonzero}",
        [month, *(p for _sql, params in parts for p in params)],
    )
