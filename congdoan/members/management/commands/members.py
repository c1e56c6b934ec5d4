"""`congdoan members count CODE [--as-of DATE] [--structure as-was|current] [--json]`;
`congdoan members duplicates [--unit CODE] [--json]`."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.core.commands import as_of_or_exit, structure_label, unit_or_exit
from congdoan.members import duplicates, selectors


class Command(BaseCommand):
    help = "Member figures of a unit at a date."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        count = sub.add_parser("count", help="members of a unit on a date")
        count.add_argument("code")
        count.add_argument("--as-of", default="", help="dd/mm/yyyy or yyyy-mm-dd (today)")
        count.add_argument("--structure", choices=selectors.STRUCTURES, default=selectors.AS_WAS)
        count.add_argument("--json", action="store_true")
        found = sub.add_parser("duplicates", help="flag possible duplicate people")
        found.add_argument("--unit", default="", help="code of the unit whose people to scan")
        found.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if options["action"] == "duplicates":
            return self._duplicates(options)
        unit = unit_or_exit(options["code"])
        on = as_of_or_exit(options["as_of"])
        result = selectors.count_members(unit=unit, on=on, structure=options["structure"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                _(
                    "%(unit)s on %(date)s (%(structure)s): %(members)s members, "
                    "%(suspended)s of them suspended, %(female)s women"
                )
                % {
                    "unit": unit,
                    "date": f"{on:%d/%m/%Y}",
                    "structure": structure_label(result.structure),
                    "members": result.members,
                    "suspended": result.suspended,
                    "female": result.female,
                }
            )

    def _duplicates(self, options) -> None:
        """`congdoan members duplicates [--unit CODE] [--json]`: scan, then say what is open."""
        unit = None
        if options["unit"]:
            unit = unit_or_exit(options["unit"])
        flagged = duplicates.scan(unit=unit)
        result = {
            "unit": unit.code if unit else None,
            "flagged": flagged,
            "open": duplicates.open_count(unit=unit),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                _("Possible duplicates: %(flagged)s new pairs flagged, %(open)s open to review.")
                % result
            )
