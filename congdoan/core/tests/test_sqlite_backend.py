"""The SQLite backend leaves statistics behind for the query planner when it closes."""

import sqlite3

from django.db import connection

from congdoan.core.sqlite.base import DatabaseWrapper


def _wrapper(path) -> DatabaseWrapper:
    settings = {**connection.settings_dict, "NAME": str(path), "ENGINE": "congdoan.core.sqlite"}
    settings.setdefault("OPTIONS", {})
    settings["OPTIONS"] = {k: v for k, v in settings["OPTIONS"].items() if k == "timeout"}
    settings["TEST"] = {}
    return DatabaseWrapper(settings, alias="stats")


def test_a_closing_connection_analyzes_the_tables_its_queries_used(tmp_path, django_db_blocker):
    path = tmp_path / "stats.sqlite3"
    db = _wrapper(path)
    with django_db_blocker.unblock(), db.cursor() as cursor:
        cursor.execute("CREATE TABLE period (id INTEGER PRIMARY KEY, owner INT, status TEXT)")
        cursor.execute("CREATE INDEX period_status ON period (status)")
        cursor.execute("CREATE INDEX period_owner ON period (owner)")
        cursor.executemany(
            "INSERT INTO period (owner, status) VALUES (%s, %s)",
            [(i, "operating") for i in range(3000)],
        )
        cursor.execute("SELECT id FROM period WHERE owner = %s AND status = %s", [7, "operating"])
        cursor.fetchall()
    with django_db_blocker.unblock():
        db.close()
    with sqlite3.connect(path) as raw:
        stats = dict(raw.execute("SELECT idx, stat FROM sqlite_stat1").fetchall())
    # The owner index is selective (one row per value), the status one is not: SQLite now
    # knows it and picks the owner index.
    assert stats["period_owner"].split()[1] == "1"
    assert int(stats["period_status"].split()[1]) >= 1000


def test_nothing_is_analyzed_by_a_connection_that_asked_nothing(tmp_path, django_db_blocker):
    path = tmp_path / "quiet.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INT)")
        raw.execute("CREATE INDEX t_v ON t (v)")
    db = _wrapper(path)
    with django_db_blocker.unblock():
        db.ensure_connection()
        db.close()
    with sqlite3.connect(path) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert "sqlite_stat1" not in tables
