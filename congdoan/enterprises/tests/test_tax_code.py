import pytest
from django.core.exceptions import ValidationError

from congdoan.core.codes import clean_tax_code, tax_code_check_digit
from congdoan.enterprises.labels import ownership_from_label, status_from_label


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("0100233488", "0100233488"),
        ("01.00.233.488", "0100233488"),
        ("0100 233 488", "0100233488"),
        # Typed into a General cell, the leading zero is lost.
        ("100233488", "0100233488"),
        (100233488.0, "0100233488"),
        ("0314409058-002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),
        ("314409058002", "0314409058-002"),
    ],
)
def test_accepted_forms(value, stored):
    assert clean_tax_code(value) == stored


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "tax_code_format"),
        ("01002334", "tax_code_format"),
        ("01002334881", "tax_code_format"),
        ("01002334AB", "tax_code_format"),
        ("0100233480", "tax_code_check_digit"),
        ("0314409058-000", "tax_code_branch"),
    ],
)
def test_refused_forms(value, code):
    with pytest.raises(ValidationError) as caught:
        clean_tax_code(value)
    assert caught.value.code == code


def test_check_digit_can_be_turned_off(settings):
    settings.ENTERPRISES_CHECK_TAX_CODE_DIGIT = False
    assert clean_tax_code("0100233480") == "0100233480"


def test_no_check_digit_fits_when_the_weighted_sum_divides_by_11():
    assert tax_code_check_digit("000000000") is None
    assert tax_code_check_digit("010023348") == 8


@pytest.mark.parametrize(
    ("label", "ownership"),
    [
        ("Nhà nước", "state"),
        ("DNNN", "state"),
        ("Ngoài nhà nước", "non_state"),
        ("Công ty TNHH MTV", "non_state"),
        ("CTCP", "non_state"),
        ("Doanh nghiệp có vốn đầu tư nước ngoài", "foreign"),
        ("100% vốn FDI", "foreign"),
        ("HTX", "cooperative"),
        ("Hợp tác xã dịch vụ nông nghiệp", "cooperative"),
        ("Khác", "other"),
        ("Hộ gia đình", None),
    ],
)
def test_ownership_labels(label, ownership):
    assert ownership_from_label(label) == ownership


def test_status_labels():
    assert status_from_label("đang hoạt động") == "operating"
    assert status_from_label("Tạm ngừng kinh doanh") == "suspended"
    assert status_from_label("Ngừng hoạt động") == "dissolved"
    assert status_from_label("không rõ") is None
