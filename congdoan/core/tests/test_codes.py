import pytest
from django.core.exceptions import ValidationError

from congdoan.core.codes import clean_cccd, mask_cccd


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("094094625986", "094094625986"),
        (94094625986.0, "094094625986"),  # a number that lost its leading zero
        ("094 094 625 986", "094094625986"),
        ("94094625986", "094094625986"),
    ],
)
def test_clean_cccd_accepts_what_files_hold(raw, expected):
    assert clean_cccd(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kwargs", "code"),
    [
        ("0940946259", {}, "cccd_format"),
        ("09409462598A", {}, "cccd_format"),
        ("999094625986", {}, "cccd_province"),
        ("094194625986", {"gender": "male"}, "cccd_gender"),
        ("094094625986", {"gender": "female"}, "cccd_gender"),
        ("094094625986", {"birth_year": 1995}, "cccd_year"),
        ("094294625986", {"birth_year": 1994}, "cccd_year"),
    ],
)
def test_clean_cccd_refuses_numbers_that_cannot_be_the_persons(raw, kwargs, code):
    with pytest.raises(ValidationError) as excinfo:
        clean_cccd(raw, **kwargs)
    assert excinfo.value.code == code


def test_cccd_matching_the_person_passes():
    assert clean_cccd("094201131293", gender="male", birth_year=2001) == "094201131293"
    assert clean_cccd("094193065721", gender="female", birth_year=1993) == "094193065721"


def test_mask_keeps_the_ends_only():
    assert mask_cccd("079123456123") == "0791•••••123"
    assert mask_cccd(None) == ""
