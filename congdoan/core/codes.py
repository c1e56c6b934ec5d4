"""Identifier checks: national ID numbers (CCCD) and enterprise tax codes (MST)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CCCD_FORMAT = _("A national ID number has 12 digits; “%(value)s” does not.")
CCCD_PROVINCE = _("“%(value)s” does not start with a province code (001–096).")
CCCD_GENDER = _(
    "The 4th digit of national ID %(value)s says %(says)s, but the person is recorded as %(is)s."
)
CCCD_YEAR = _(
    "Digits 4–6 of national ID %(value)s give birth year %(says)s, "
    "but the person was born in %(is)s."
)

_SEPARATORS = re.compile(r"[\s.]")


def clean_cccd(value, *, gender: str | None = None, birth_year: int | None = None) -> str:
    """The 12-digit national ID, checked against the person's gender and birth year if known.

    Accepts what files hold: spaces or dots between groups, and numbers that lost their
    leading zero (an 11-digit number is a 12-digit ID starting with 0).
    """
    text = str(value).strip().removesuffix(".0")
    digits = _SEPARATORS.sub("", text)
    if len(digits) == 11 and digits.isdigit():
        digits = "0" + digits
    if len(digits) != 12 or not digits.isdigit():
        raise ValidationError(CCCD_FORMAT, code="cccd_format", params={"value": text})
    if not 1 <= int(digits[:3]) <= 96:
        raise ValidationError(CCCD_PROVINCE, code="cccd_province", params={"value": digits})
    marker = int(digits[3])
    # Layout: 0/1 male/female born 1900–1999, 2/3 for 2000–2099, 4/5 for 2100–2199 …
    century = 1900 + (marker // 2) * 100
    is_female = marker % 2 == 1
    if gender in {"male", "female"} and is_female != (gender == "female"):
        says, is_ = (_("female"), _("male")) if is_female else (_("male"), _("female"))
        raise ValidationError(
            CCCD_GENDER, code="cccd_gender", params={"value": digits, "says": says, "is": is_}
        )
    if birth_year is not None and century + int(digits[4:6]) != birth_year:
        raise ValidationError(
            CCCD_YEAR,
            code="cccd_year",
            params={"value": digits, "says": century + int(digits[4:6]), "is": birth_year},
        )
    return digits


def mask_cccd(value: str | None) -> str:
    """0791•••••123: enough to tell two people apart, not enough to use the number."""
    if not value:
        return ""
    return f"{value[:4]}{'•' * (len(value) - 7)}{value[-3:]}"


TAX_CODE_FORMAT = _(
    "A tax code has 10 digits, or 13 with a branch suffix (0123456789-001); “%(value)s” is neither."
)
TAX_CODE_CHECK_DIGIT = _(
    "Tax code %(value)s is mistyped: its 10th digit does not match the first nine."
)
TAX_CODE_BRANCH = _("The branch suffix of tax code %(value)s cannot be 000.")

_TAX_SEPARATORS = re.compile(r"[\s.\-]")
# Weights of the first nine digits; the 10th is 10 - (weighted sum mod 11). The rule as
# python-stdnum (stdnum/vn/mst.py) implements it; no official text was found to confirm it,
# hence settings.ENTERPRISES_CHECK_TAX_CODE_DIGIT.
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit the first nine call for (None: no digit fits, so no such code)."""
    check = 10 - sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True)) % 11
    return check if check < 10 else None


def clean_tax_code(value) -> str:
    """The tax code as stored: 10 digits, or 10 digits, "-" and a 3-digit branch suffix.

    Accepts what files hold: spaces, dots or a dash between groups, and numbers that lost
    their leading zero (9 digits are a 10-digit code starting with 0; 12 are a 13-digit one).
    """
    text = str(value).strip().removesuffix(".0")
    digits = _TAX_SEPARATORS.sub("", text)
    if len(digits) in (9, 12) and digits.isdigit():
        digits = "0" + digits
    if len(digits) not in (10, 13) or not digits.isdigit():
        raise ValidationError(TAX_CODE_FORMAT, code="tax_code_format", params={"value": text})
    main, branch = digits[:10], digits[10:]
    if branch == "000":
        raise ValidationError(
            TAX_CODE_BRANCH, code="tax_code_branch", params={"value": f"{main}-{branch}"}
        )
    checked = settings.ENTERPRISES_CHECK_TAX_CODE_DIGIT
    if checked and tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            TAX_CODE_CHECK_DIGIT, code="tax_code_check_digit", params={"value": text}
        )
    return f"{main}-{branch}" if branch else main
