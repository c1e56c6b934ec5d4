"""Dates as clerks write them, and the 'today' of the union's time zone."""

import datetime as dt
import re
import time

from django.conf import settings
from django.utils import timezone

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


_today: tuple[int, str, dt.date] | None = None


def today() -> dt.date:
    """Today in the union's time zone (settings.TIME_ZONE; no per-user zones are activated).

    Rules ask it several times per row of an import: the answer is kept for the second.
    """
    global _today
    second = int(time.time())
    kept = _today
    if kept is not None and kept[0] == second and kept[1] == settings.TIME_ZONE:
        return kept[2]
    value = timezone.localdate()
    _today = (second, settings.TIME_ZONE, value)
    return value


def history_start() -> dt.date:
    return dt.date.fromisoformat(settings.CONGDOAN_HISTORY_START)


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """A date from dd/mm/yyyy, d/m/yy, yyyy-mm-dd or a date object; None when blank.

    Raises ValueError for text that is not a date or names a day that does not exist.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
        if year < 100:
            # Two-digit years: a birth year of '85 is 1985, a join year of '12 is 2012.
            year += 2000 if year <= today().year % 100 else 1900
    else:
        raise ValueError(text)
    return dt.date(year, month, day)


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
