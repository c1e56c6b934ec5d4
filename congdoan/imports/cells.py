"""Cell values as spreadsheets and clerks give them, turned into Python values.

Each helper takes one non-blank cell (str, float, int, bool, date or datetime) and returns
the value or raises errors.Invalid with a short code.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from congdoan.core import dates
from congdoan.core.text import nfc
from congdoan.imports import errors

# Excel counts days from 30 Dec 1899 (its 1900 leap-year bug only shifts dates before March 1900).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 31 Dec 9999
_YEARS = range(1900, 2101)
_YEAR = re.compile(r"^\d{4}$")
_INT = re.compile(r"^[+-]?\d+$")
_INT_WITH_ZERO_DECIMALS = re.compile(r"^([+-]?\d+)[.,]0+$")
# Vietnamese writes thousands with "." (1.234.567); "," and spaces are seen too.
_THOUSANDS = re.compile(r"^\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*$")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def as_text(value: Any) -> str:
    """Text in NFC with spaces folded; a number typed into a text column loses its '.0'."""
    if isinstance(value, bool):
        raise errors.Invalid(errors.INVALID_TEXT, code="invalid_text", value=value)
    if isinstance(value, dt.datetime | dt.date):
        return dates.format_date(value)
    return _show(value)


def as_code(value: Any, *, length: int | None = None) -> str:
    """A code as text; a number gets back the leading zeros it lost, up to `length`."""
    # 094123456789 typed into a General cell is stored as 94123456789.0. Text is kept as
    # written, so a code that is really too short is still seen as too short.
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return _show(value)
        digits = str(int(value))
        return digits.zfill(length) if length else digits
    return as_text(value).replace(" ", "")


def as_int(value: Any) -> int:
    """A whole number: 25, 25.0, "25", "1.234" (thousands) → int."""
    if isinstance(value, bool):
        raise errors.Invalid(errors.INVALID_INTEGER, code="invalid_integer", value=value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise errors.Invalid(errors.INVALID_INTEGER, code="invalid_integer", value=_show(value))
    text = as_text(value)
    if _INT.match(text):
        return int(text)
    if m := _INT_WITH_ZERO_DECIMALS.match(text):
        return int(m.group(1))
    if _THOUSANDS.match(text):
        return int(re.sub(r"[., ]", "", text))
    raise errors.Invalid(errors.INVALID_INTEGER, code="invalid_integer", value=text)


@dataclass(frozen=True, slots=True)
class CellDate:
    """A date read from a cell; `year_only` when the cell held just a year (then 1 January)."""

    value: dt.date
    year_only: bool = False


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial <= _MAX_SERIAL:
        raise errors.Invalid(errors.INVALID_DATE, code="invalid_date", value=_show(serial))
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def as_date(value: Any) -> CellDate:
    """A date from a date cell, Excel serial, dd/mm/yyyy, d/m/yy, yyyy-mm-dd or a year alone."""
    if isinstance(value, dt.datetime):
        return CellDate(value.date())
    if isinstance(value, dt.date):
        return CellDate(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in _YEARS:
            return CellDate(dt.date(int(value), 1, 1), year_only=True)
        return CellDate(_from_serial(float(value)))
    if not isinstance(value, str):
        raise errors.Invalid(errors.INVALID_DATE, code="invalid_date", value=_show(value))
    text = nfc(value)
    if _YEAR.match(text) and int(text) in _YEARS:
        return CellDate(dt.date(int(text), 1, 1), year_only=True)
    try:
        parsed = dates.parse_date(text)
    except ValueError:
        raise errors.Invalid(errors.INVALID_DATE, code="invalid_date", value=text) from None
    if parsed is None:
        raise errors.Invalid(errors.REQUIRED, code="required")
    return CellDate(parsed)


def as_full_date(value: Any) -> dt.date:
    """A complete date; a year alone is refused."""
    parsed = as_date(value)
    if parsed.year_only:
        raise errors.Invalid(errors.YEAR_ONLY, code="year_only", value=parsed.value.year)
    return parsed.value
