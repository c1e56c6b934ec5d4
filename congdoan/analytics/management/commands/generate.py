"""`congdoan generate`: national-scale synthetic data for benchmarks, into an empty database.

Thin: parse, call analytics.generate, print each step's rows per second (or JSON with
--json). Exit status: 0 done, 2 refused (the database is not empty, or the sizes are wrong).
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.analytics import generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic national union tree, members and their "
        "membership spans (COPY on PostgreSQL), then rebuild the aggregates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="people to make")
        parser.add_argument(
            "--units", type=int, required=True, help="grassroots unions to make"
        )
        parser.add_argument("--seed", type=int, default=2023, help="same seed, same data")
        parser.add_argument(
            "--since", type=int, default=2015, help="year from which joins are spread (2015)"
        )
        parser.add_argument("--json", dest="as_json", action="store_true")

    def handle(self, *args, members, units, seed, since, as_json, **options):
        with translation.override(settings.LANGUAGE_CODE):
            report = None if as_json else self._step
            try:
                done = generate.generate(
                    members=members, units=units, seed=seed, since=since, report=report
                )
            except generate.Refused as exc:
                self.stderr.write(str(exc))
                sys.exit(2)
            if as_json:
                self.stdout.write(json.dumps(done.as_dict(), ensure_ascii=False, indent=2))
                return
            self.stdout.write(
                _(
                    "Made %(units)s units (%(grassroots)s grassroots unions), %(members)s "
                    "members and %(spans)s spans in %(seconds).1f s."
                )
                % {
                    "units": f"{done.units:,}",
                    "grassroots": f"{done.grassroots:,}",
                    "members": f"{done.members:,}",
                    "spans": f"{done.spans:,}",
                    "seconds": done.seconds,
                }
            )

    def _step(self, step: generate.Step) -> None:
        self.stdout.write(
            _("%(step)s: %(rows)s rows in %(seconds).1f s (%(rate)s rows/s)")
            % {
                "step": step.name,
                "rows": f"{step.rows:,}",
                "seconds": step.seconds,
                "rate": f"{step.rate:,.0f}",
            }
        )
        self.stdout.flush()
