"""What the project's commands share: reading a unit code and an --as-of date, or exiting 2
with a one-line reason a clerk understands."""

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from congdoan.core.dates import parse_date, today


def unit_or_exit(code: str):
    from congdoan.org.models import Unit

    unit = Unit.objects.filter(code=code.upper()).first()
    if unit is None:
        raise CommandError(_("No unit has the code %(code)s.") % {"code": code}, returncode=2)
    return unit


def as_of_or_exit(text: str) -> dt.date:
    """The date given (dd/mm/yyyy or yyyy-mm-dd), today when none was."""
    try:
        return parse_date(text) or today()
    except ValueError as error:
        raise CommandError(
            _("“%(as_of)s” is not a date (dd/mm/yyyy).") % {"as_of": text}, returncode=2
        ) from error


def structure_label(structure: str) -> str:
    """The words for a structure in a command's text (its JSON keeps the code)."""
    return _("As it was then") if structure == "as-was" else _("Restated to today's")
