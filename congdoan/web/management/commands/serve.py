"""`congdoan serve`: the production web server, gunicorn running congdoan.wsgi.

WhiteNoise serves the static files from STATIC_ROOT, so they are collected first. One
import worker (`congdoan worker`) is started beside it, watching this process's id. The
process then becomes gunicorn (exec): signals, logs and the exit code are gunicorn's;
when gunicorn exits, the worker sees its parent gone and stops after its current job.
"""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

DEFAULT_ADDR = "127.0.0.1:8000"


def bind_address(addr: str) -> str:
    """host:port for gunicorn; a bare port listens on 127.0.0.1."""
    addr = addr.strip()
    return f"127.0.0.1:{addr}" if addr.isdigit() else addr


def gunicorn_argv(*, addr: str, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "congdoan.wsgi:application",
        "--bind", bind_address(addr),
        "--workers", str(workers),
        "--access-logfile", "-",
    ]


class Command(BaseCommand):
    help = "Serve congdoan with gunicorn; static files by WhiteNoise."

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr", default=DEFAULT_ADDR, help="host:port to listen on (default %(default)s)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="worker processes (default: $WEB_CONCURRENCY or 2)",
        )
        parser.add_argument(
            "--no-collectstatic",
            dest="collectstatic",
            action="store_false",
            help="skip collectstatic (when it has just run)",
        )
        parser.add_argument(
            "--no-worker",
            dest="worker",
            action="store_false",
            help="do not start the import worker (when one runs elsewhere)",
        )

    def handle(self, *args, addr, workers, collectstatic, worker=True, **options):
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        if collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            _("Serving on http://%(addr)s/ with gunicorn (%(workers)s workers); Ctrl+C stops.")
            % {"addr": bind_address(addr), "workers": workers}
        )
        self.stdout.flush()
        sys.stderr.flush()
        argv = gunicorn_argv(addr=addr, workers=workers)
        exec_gunicorn(argv, worker=worker)


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "congdoan", "worker", "--with-parent", str(os.getpid())]


def exec_gunicorn(argv: list[str], *, worker: bool = True) -> None:
    """Start the import worker, then become gunicorn: this process ends here."""
    connections.close_all()
    if worker:
        # Not waited for: gunicorn, which this process becomes, is its parent from now on.
        subprocess.Popen(worker_argv(), stdin=subprocess.DEVNULL)
    os.execv(argv[0], argv)
