"""`congdoan members count CODE [--as-of DATE] [--structure as-was|current] [--json]`."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from congdoan.core.dates import parse_date, today
from congdoan.members import selectors
from congdoan.org.models import Unit


class Command(BaseCommand):
    help = "Member figures of a unit at a date."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        count = sub.add_parser("count", help="members of a unit on a date")
        count.add_argument("code")
        count.add_argument("--as-of", default="", help="dd/mm/yyyy or yyyy-mm-dd (today)")
        count.add_argument("--structure", choices=selectors.STRUCTURES, default=selectors.AS_WAS)
        count.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        unit = Unit.objects.filter(code=options["code"].upper()).first()
        if unit is None:
            raise CommandError(_("No unit has the code %(code)s.") % options, returncode=2)
        try:
            on = parse_date(options["as_of"]) or today()
        except ValueError as error:
            raise CommandError(
                _("“%(as_of)s” is not a date (dd/mm/yyyy).") % options, returncode=2
            ) from error
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
                    "structure": result.structure,
                    "members": result.members,
                    "suspended": result.suspended,
                    "female": result.female,
                }
            )
