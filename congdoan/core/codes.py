"""Identifier checks: national ID numbers (CCCD)."""

import re

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
