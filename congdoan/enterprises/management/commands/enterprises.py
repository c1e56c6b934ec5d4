"""`congdoan enterprises coverage CODE [--as-of DATE] [--min-workers N] [--json]`;
`congdoan enterprises uncovered CODE [--as-of DATE] [--min-workers N] [--limit 20] [--json]`;
`congdoan enterprises reach CODE [--as-of DATE] [--limit 20] [--json]`."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.core.commands import as_of_or_exit, unit_or_exit
from congdoan.enterprises import selectors
from congdoan.enterprises.reach import Reach, membership_reach
from congdoan.org.models import Unit


class Command(BaseCommand):
    help = "Coverage of enterprises by grassroots unions, and the enterprises still without one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("coverage", "enterprises with a union among those that should have one"),
            ("uncovered", "enterprises that should have a union and do not, largest first"),
            ("reach", "members against workers in enterprises with a union"),
        ):
            command = sub.add_parser(name, help=text)
            command.add_argument("code")
            command.add_argument("--as-of", default="", help="dd/mm/yyyy or yyyy-mm-dd (today)")
            command.add_argument(
                "--min-workers",
                type=int,
                default=None if name != "reach" else 0,
                help=f"workers an enterprise needs to count ({settings.ENTERPRISES_MIN_WORKERS})",
            )
            command.add_argument(
                "--structure", choices=selectors.STRUCTURES, default=selectors.AS_WAS
            )
            if name != "coverage":
                command.add_argument("--limit", type=int, default=20)
            command.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        unit = unit_or_exit(options["code"])
        on = as_of_or_exit(options["as_of"])
        if options["min_workers"] is not None and options["min_workers"] < 0:
            raise CommandError(_("--min-workers cannot be negative."), returncode=2)
        query = {
            "unit": unit,
            "on": on,
            "min_workers": options["min_workers"],
            "structure": options["structure"],
        }
        action = options["action"]
        if action == "coverage":
            self._coverage(unit, selectors.coverage(**query), options["json"])
        elif action == "uncovered":
            self._uncovered(unit, on, query, options)
        else:
            reach = membership_reach(**query, limit=options["limit"])
            self._reach(unit, reach, options["json"])

    def _write_json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def _coverage(self, unit: Unit, result: selectors.Coverage, as_json: bool) -> None:
        if as_json:
            return self._write_json(result.as_dict())
        self.stdout.write(
            _(
                "%(unit)s on %(date)s: %(with_union)s of %(eligible)s operating enterprises "
                "with at least %(min)s workers have a grassroots union (%(pct)s%%); "
                "%(covered)s of their %(workers)s workers are in those enterprises."
            )
            % {
                "unit": unit,
                "date": f"{result.as_of:%d/%m/%Y}",
                "with_union": result.with_union,
                "eligible": result.eligible,
                "min": result.min_workers,
                "pct": "–" if result.pct is None else result.pct,
                "covered": result.workers_covered,
                "workers": result.workers_eligible,
            }
        )

    def _uncovered(self, unit: Unit, on, query: dict, options) -> None:
        rows = list(selectors.uncovered(**query)[: options["limit"]])
        data = [
            {
                "tax_code": e.tax_code,
                "name": e.name,
                "area_unit": e.area_unit.code,
                "ownership": e.ownership,
                "workers": e.workers,
            }
            for e in rows
        ]
        if options["json"]:
            return self._write_json(
                {"unit": unit.code, "as_of": on.isoformat(), "enterprises": data}
            )
        self.stdout.write(
            _("%(unit)s on %(date)s: enterprises without a union, largest first")
            % {"unit": unit, "date": f"{on:%d/%m/%Y}"}
        )
        for row in data:
            self.stdout.write(
                f"{row['workers']:>7}  {row['tax_code']:<14}  {row['name']} ({row['area_unit']})"
            )

    def _reach(self, unit: Unit, reach: Reach, as_json: bool) -> None:
        if as_json:
            return self._write_json(reach.as_dict())
        self.stdout.write(
            _(
                "%(unit)s on %(date)s: %(members)s members among %(workers)s workers "
                "of %(count)s enterprises with a union."
            )
            % {
                "unit": unit,
                "date": f"{reach.as_of:%d/%m/%Y}",
                "members": reach.members,
                "workers": reach.workers,
                "count": reach.enterprises,
            }
        )
        for row in reach.rows:
            ratio = "–" if row.ratio is None else f"{100 * row.ratio:.0f}%"
            self.stdout.write(
                f"{ratio:>5}  {row.members:>6}/{row.workers or '?':<6}  {row.tax_code:<14}  "
                f"{row.name} ({row.union})"
            )
