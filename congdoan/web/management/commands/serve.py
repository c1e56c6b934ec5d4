"""`congdoan serve`: the production web server, gunicorn running congdoan.wsgi.

WhiteNoise serves the static files from STATIC_ROOT, so they are collected first. The
process then becomes gunicorn (exec): signals, logs and the exit code are gunicorn's.
"""

import os
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

    def handle(self, *args, addr, workers, collectstatic, **options):
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
        exec_gunicorn(gunicorn_argv(addr=addr, workers=workers))


def exec_gunicorn(argv: list[str]) -> None:
    """Become gunicorn: this process ends here."""
    connections.close_all()
    os.execv(argv[0], argv)
