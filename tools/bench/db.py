"""The throw-away database a benchmark runs on.

SQLite: a file in a temporary directory. PostgreSQL: a database named `congdoan_bench`,
created for the run and dropped after it; the benchmark never opens any other database, and
refuses to start when one of that name is already there (a run kept with --keep, or someone
else's).
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

DATABASES = ("sqlite", "postgres")
PG_DATABASE = "congdoan_bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_EXISTS = (
    "PostgreSQL already has a database named {name} (a run kept with --keep?). The benchmark "
    "creates its own and will not write into one it did not create: drop it first with\n"
    "    dropdb -h {host} -p {port} -U {user} {name}"
)


def _on_server(server: str, database: str) -> str:
    """The URL of `database` on the server `server` names (any database in it is ignored)."""
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _admin(server: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Run one statement on the server's `postgres` database, outside any transaction."""
    import psycopg

    with psycopg.connect(_on_server(server, "postgres"), autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _create_postgres(server: str) -> None:
    if _admin(server, "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)):
        parts = urlsplit(server)
        raise SystemExit(
            PG_EXISTS.format(
                name=PG_DATABASE,
                host=parts.hostname,
                port=parts.port or 5432,
                user=parts.username or "postgres",
            )
        )
    _admin(server, f'CREATE DATABASE "{PG_DATABASE}"')


def _drop_postgres(server: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


@contextlib.contextmanager
def bench_database(kind: str, *, server: str = PG_SERVER, keep: bool = False) -> Iterator[str]:
    """Point Django at a new, empty database of `kind`, set it up, migrate it; yield its URL.

    Call before anything imports Django's settings. On the way out the database and the
    temporary directory (secret key, SQLite file) are removed unless `keep`.
    """
    if kind not in DATABASES:
        raise ValueError(kind)
    var_dir = tempfile.mkdtemp(prefix="congdoan-bench-")
    url = f"sqlite:///{var_dir}/bench.sqlite3"
    if kind == "postgres":
        _create_postgres(server)
        url = _on_server(server, PG_DATABASE)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "CONGDOAN_VAR_DIR": var_dir,
            "DJANGO_SETTINGS_MODULE": "congdoan.settings",
            # Measured as in production: DEBUG would also record every query.
            "DEBUG": "0",
            # The host name Django's test client sends.
            "ALLOWED_HOSTS": "testserver",
        }
    )
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"Kept: {url}")
        else:
            if kind == "postgres":
                _drop_postgres(server)
            shutil.rmtree(var_dir, ignore_errors=True)


def add_postgres_argument(parser) -> None:
    parser.add_argument(
        "--postgres",
        default=PG_SERVER,
        metavar="URL",
        help=f"the server where the database {PG_DATABASE} is made",
    )
