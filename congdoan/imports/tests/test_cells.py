import datetime as dt

import pytest

from congdoan.imports import cells
from congdoan.imports.errors import Invalid


def invalid_code(func, value, **kwargs) -> str:
    with pytest.raises(Invalid) as excinfo:
        func(value, **kwargs)
    return excinfo.value.code


def test_text_is_nfc_with_spaces_folded():
    assert cells.as_text("  Nguye\u0302\u0303n   Va\u0306n  ") == "Nguyễn Văn"
    assert cells.as_text(101.0) == "101"
    assert cells.as_text(dt.date(2024, 3, 5)) == "05/03/2024"


def test_integers_stored_as_floats_or_text():
    assert cells.as_int(25.0) == 25
    assert cells.as_int("25") == 25
    assert cells.as_int("25,0") == 25
    assert cells.as_int("1.234") == 1234
    assert cells.as_int("1.234.567") == 1234567
    assert invalid_code(cells.as_int, 25.5) == "invalid_integer"
    assert invalid_code(cells.as_int, "hai mươi") == "invalid_integer"
    assert invalid_code(cells.as_int, True) == "invalid_integer"


def test_codes_get_back_the_leading_zeros_numbers_lost():
    assert cells.as_code(94094625986.0, length=12) == "094094625986"
    assert cells.as_code(94094625986.0) == "94094625986"
    assert cells.as_code("0941781428", length=12) == "0941781428"  # text is kept as written
    assert cells.as_code(" 094 094 625 986 ") == "094094625986"


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(1994, 4, 13), dt.date(1994, 4, 13)),
        (dt.datetime(1994, 4, 13, 8, 30), dt.date(1994, 4, 13)),
        (45000.0, dt.date(2023, 3, 15)),  # an Excel serial number in a General cell
        ("13/04/1994", dt.date(1994, 4, 13)),
        ("3/4/94", dt.date(1994, 4, 3)),
        ("1994-04-13", dt.date(1994, 4, 13)),
    ],
)
def test_dates_in_every_form_clerks_use(value, expected):
    assert cells.as_date(value) == cells.CellDate(expected)
    assert cells.as_full_date(value) == expected


@pytest.mark.parametrize("value", [1986.0, 1986, "1986"])
def test_a_year_alone_is_a_partial_date(value):
    parsed = cells.as_date(value)
    assert parsed.year_only and parsed.value == dt.date(1986, 1, 1)
    assert invalid_code(cells.as_full_date, value) == "year_only"


@pytest.mark.parametrize("value", ["31/02/1990", "ngày mai", "13.2024", -5.0, dt.time(8, 0)])
def test_impossible_or_unreadable_dates_are_invalid(value):
    assert invalid_code(cells.as_date, value) == "invalid_date"
