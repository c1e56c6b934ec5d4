"""INSERT many new objects of a model fast: the values as they are, no field API per value.

For loaders of already checked rows (members.bulk): one statement run for many rows on
SQLite, COPY on PostgreSQL, bulk_create elsewhere.
"""

from operator import attrgetter
from typing import Any

from django.db import connection
from django.utils import timezone


def insert_rows(model, objs: list, *, returning: bool = False) -> None:
    """INSERT the rows, giving each object its new id when `returning`.

    bulk_create spends most of its time passing each value through the field API (more
    than half of a load); these values are plain text, numbers and dates, already checked,
    so each row is read in one attrgetter call and only date-times are converted (dates go
    as the drivers adapt them, which is what the field API would send). The database's
    constraints still apply. SQLite: one statement run for many rows; PostgreSQL: COPY.
    """
    if not objs:
        return
    ops, now = connection.ops, timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed: dict[int, Any] = {}  # position → the value every row has (auto_now stamps)
    convert = []
    for position, f in enumerate(fields):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
            fixed[position] = (
                ops.adapt_datetimefield_value(now)
                if f.get_internal_type() == "DateTimeField"
                else ops.adapt_datefield_value(now.date())
            )
        elif f.get_internal_type() == "DateTimeField":
            convert.append((position, ops.adapt_datetimefield_value))
    read = attrgetter(*(f.attname for f in fields))
    if fixed or convert:

        def row(obj) -> list:
            values = list(read(obj))
            for position, value in fixed.items():
                values[position] = value
            for position, adapt in convert:
                values[position] = adapt(values[position])
            return values
    else:
        row = read
    rows = [row(obj) for obj in objs]
    table, pk = ops.quote_name(model._meta.db_table), ops.quote_name(model._meta.pk.column)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = _copy(cursor, table, pk, columns, rows, returning=returning)
        elif connection.vendor == "sqlite":
            ids = _insert_sqlite(cursor, table, pk, columns, rows, returning=returning)
        elif returning:
            model.objects.bulk_create(objs)
            return
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            return
    if returning:
        for obj, new_id in zip(objs, ids, strict=True):
            obj.pk, obj._state.adding = new_id, False


def _insert_sqlite(cursor, table: str, pk: str, columns: str, rows: list, *, returning: bool):
    """The rows in one executemany; with `returning`, the first row's INSERT … RETURNING
    gives its id and the others take the ids after it.

    Those ids are free and stay free: an AUTOINCREMENT key is given above every id the
    table ever had, and from its first write the transaction holds SQLite's one write lock
    (settings opens it IMMEDIATE) until it ends, so nobody else inserts meanwhile.
    """
    marks = ", ".join(["%s"] * len(rows[0]))
    if not returning:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        return []
    cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}", rows[0])
    (first,) = cursor.fetchone()
    ids = range(first, first + len(rows))
    cursor.executemany(
        f"INSERT INTO {table} ({pk}, {columns}) VALUES (%s, {marks})",
        [(new_id, *values) for new_id, values in zip(ids[1:], rows[1:], strict=True)],
    )
    return ids


def _copy(cursor, table: str, pk: str, columns: str, rows: list, *, returning: bool):
    """PostgreSQL: COPY the rows in (its fastest way in, constraints checked as for INSERT).

    With `returning`, the ids are drawn from the key's sequence first, in one query, and
    copied in with the rows: COPY cannot say which ids it gave.
    """
    ids: list[int] = []
    if returning:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', %s)) FROM generate_series(1, %s)",
            [pk.strip('"'), len(rows)],
        )
        ids = sorted(new_id for (new_id,) in cursor.fetchall())
        columns = f"{pk}, {columns}"
        rows = [(new_id, *values) for new_id, values in zip(ids, rows, strict=True)]
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for values in rows:
            copy.write_row(values)
    return ids
