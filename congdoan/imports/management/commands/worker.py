"""`congdoan worker`: run the imports confirmed on the web, one at a time.

SIGTERM or Ctrl+C stops the worker after the job it is running. A worker killed outright
loses nothing: the job's transaction rolls back and the next start queues it again.
"""

import datetime as dt
import os
import signal

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from congdoan.imports import jobs


class Command(BaseCommand):
    help = "Run the queued imports; --once empties the queue and exits."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="run the queued jobs and exit")
        parser.add_argument(
            "--poll", type=float, default=2.0, help="seconds between looks at an empty queue"
        )
        parser.add_argument(
            "--stale-after",
            type=float,
            default=jobs.STALE_AFTER.total_seconds(),
            help="seconds without a heartbeat after which a running job is queued again",
        )
        parser.add_argument(
            "--with-parent",
            type=int,
            default=None,
            help="exit when the process with this id is gone (`congdoan serve` passes its own)",
        )

    def handle(self, *args, once, poll, with_parent, stale_after, **options):
        self.stopping = False

        def stop(signum, frame):
            self.stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            count = jobs.run_queue(
                once=once,
                poll=poll,
                stale_after=dt.timedelta(seconds=stale_after),
                should_stop=lambda: self.stopping or self._orphan(with_parent),
            )
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if once:
            self.stdout.write(_("%(count)s imports run.") % {"count": count})

    @staticmethod
    def _orphan(parent: int | None) -> bool:
        return parent is not None and os.getppid() != parent
