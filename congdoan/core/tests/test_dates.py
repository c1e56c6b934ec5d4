import datetime as dt

import pytest

from congdoan.core.dates import format_date, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13/04/1994", dt.date(1994, 4, 13)),
        ("3/4/94", dt.date(1994, 4, 3)),
        ("1994-04-13", dt.date(1994, 4, 13)),
        ("13.04.1994", dt.date(1994, 4, 13)),
        (dt.datetime(1994, 4, 13, 8, 0), dt.date(1994, 4, 13)),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date_reads_what_clerks_write(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "hôm qua", "2025-13-01"])
def test_parse_date_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_format_date_is_day_first():
    assert format_date(dt.date(2025, 7, 1)) == "01/07/2025"
