"""Rows written straight into a model's table, for synthetic data only.

COPY on PostgreSQL (psycopg 3), executemany on SQLite. The callers keep the registry's
invariants by construction; the app itself writes only through the services, which check
them row by row. Used by `congdoan generate` and by tools/bench/synthetic.py.
"""

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.db import connection, models
from django.utils import timezone

CHUNK = 50_000
PG_NULL = "\\N"


def _default(field: models.Field, now):
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return now if stamped else field.get_default()


def _sqlite_adapters(fields) -> dict:
    # psycopg adapts dates itself; the sqlite3 module's own date adapters are deprecated.
    adapters, ops = {}, connection.ops
    if connection.vendor != "postgresql":
        for i, f in enumerate(fields):
            if isinstance(f, models.DateTimeField):
                adapters[i] = ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                adapters[i] = ops.adapt_datefield_value
    return adapters


def _table(model: type[models.Model]) -> tuple[str, list[models.Field], str]:
    ops = connection.ops
    fields = model._meta.concrete_fields
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    return ops.quote_name(model._meta.db_table), fields, names


def write_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert `rows` (field attnames to values, ids included) into the model's table.

    Columns a row leaves out take the field's default; auto_now fields take now.
    """
    table, fields, names = _table(model)
    now = timezone.now()
    columns = [(f.attname, _default(f, now)) for f in fields]
    adapters, adapted = _sqlite_adapters(fields), {}

    def values(row: dict) -> list:
        out = [row.get(name, default) for name, default in columns]
        for i, adapt in adapters.items():
            if (value := out[i]) is not None:
                if value not in adapted:
                    adapted[value] = adapt(value)
                out[i] = adapted[value]
        return out

    written, raw = 0, connection.connection
    rows = iter(rows)
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))
                written += 1
        return written
    marks = ", ".join("?" for _ in fields)
    while chunk := [values(row) for row in islice(rows, CHUNK)]:
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)
        written += len(chunk)
    return written


def _pg_text(value) -> str:
    """A constant in COPY's text format (only the simple values that defaults take)."""
    if value is None:
        return PG_NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        raise ValueError(f"unescaped value {text!r}")
    return text


class ColumnWriter:
    """Writes chunks of columns into one table; the columns not given take their defaults.
    A context manager: `with ColumnWriter(Model, names) as writer: writer.write(columns)`.

    Given columns are sequences of equal length, already in the database's terms: text,
    ints, dates as "YYYY-MM-DD" strings; None for NULL. On PostgreSQL a value is written as
    str() makes it, so NULL must be PG_NULL and text free of tabs, newlines and backslashes:
    the chunk goes to COPY as one block of text, several times faster than adapting value by
    value.
    """

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        self.table, fields, self.names = _table(model)
        self.given = list(given)
        by_name = {f.attname: f for f in fields}
        unknown = set(self.given) - set(by_name)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        now = timezone.now()
        self.postgres = connection.vendor == "postgresql"
        adapters = _sqlite_adapters(fields)
        slots, constants = [], []
        for i, f in enumerate(fields):
            if f.attname in self.given:
                slots.append(self.given.index(f.attname))
                continue
            value = _default(f, now)
            if self.postgres:
                value = _pg_text(value)
            elif value is not None and i in adapters:
                value = adapters[i](value)
            elif isinstance(value, bool):
                value = int(value)
            slots.append(None)
            constants.append((len(slots) - 1, value))
        self.slots, self.constants = slots, constants
        if self.postgres:
            constant = dict(constants)
            parts = [
                f"{{{slot}}}"
                if slot is not None
                else constant[i].replace("{", "{{").replace("}", "}}")
                for i, slot in enumerate(slots)
            ]
            self.template = "\t".join(parts) + "\n"
        self.written = 0

    def __enter__(self) -> "ColumnWriter":
        connection.ensure_connection()
        if self.postgres:
            from psycopg.copy import QueuedLibpqWriter

            self._cursor = connection.connection.cursor()
            # One COPY for every chunk; a thread sends each chunk while the next is made, so
            # the server parses rows while Python formats them.
            self._opened = self._cursor.copy(
                f"COPY {self.table} ({self.names}) FROM STDIN",
                writer=QueuedLibpqWriter(self._cursor),
            )
            self._copy = self._opened.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.postgres:
            try:
                self._opened.__exit__(*exc)
            finally:
                self._cursor.close()

    def write(self, columns: Sequence[Sequence]) -> int:
        """Write one chunk: `columns` in the order given to the constructor."""
        if len(columns) != len(self.given):
            raise ValueError("one sequence per given column")
        count = len(columns[0]) if columns else 0
        if not count:
            return 0
        if self.postgres:
            self._copy.write("".join(map(self.template.format, *columns)))
        else:
            constant = dict(self.constants)
            picks = [
                columns[slot] if slot is not None else [constant[i]] * count
                for i, slot in enumerate(self.slots)
            ]
            marks = ", ".join("?" for _ in self.slots)
            sql = f"INSERT INTO {self.table} ({self.names}) VALUES ({marks})"
            connection.connection.executemany(sql, zip(*picks, strict=True))
        self.written += count
        return count


@contextlib.contextmanager
def bulk_load(*models_: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' secondary indexes and foreign keys while loading and
    make them again after: one sort per index and one join per key instead of millions of
    single-row updates and trigger calls. Nothing to do on SQLite. Run inside a transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "  WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
            "  quote_ident(i.indexname))::regclass)",
            [tables],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        # Rows written earlier in the transaction (units) have deferred key checks pending,
        # and a table with pending checks cannot lose or gain a key: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Index builds sort in memory when they may; the default 64 MB spills to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys are initially deferred
