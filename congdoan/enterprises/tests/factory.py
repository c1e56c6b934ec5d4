"""make_* helpers for enterprise tests, and valid tax codes to give them."""

import datetime as dt
import itertools

from congdoan.core.codes import tax_code_check_digit
from congdoan.enterprises import services
from congdoan.enterprises.models import Enterprise, Ownership, Status
from congdoan.org.models import Unit

_serials = itertools.count(1)


def valid_tax_code(serial: int | None = None, *, province: str = "22") -> str:
    """A 10-digit tax code whose check digit is right (Sóc Trăng codes start with 22)."""
    serial = next(_serials) if serial is None else serial
    while True:
        first_nine = f"{province}{serial:07d}"
        check = tax_code_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
        serial += 1000003  # skip codes no check digit fits, keeping serials distinct


def make_enterprise(
    *,
    area_unit: Unit,
    workers: int | None = 30,
    on: dt.date = dt.date(2020, 1, 1),
    name: str | None = None,
    tax_code: str | None = None,
    ownership: str = Ownership.NON_STATE,
    status: str = Status.OPERATING,
) -> Enterprise:
    """An enterprise registered on `on`, with `workers` counted that day when given."""
    tax_code = tax_code or valid_tax_code()
    enterprise = services.register_enterprise(
        actor=None,
        tax_code=tax_code,
        name=name or f"Công ty TNHH Thử {tax_code}",
        area_unit=area_unit,
        since=on,
        ownership=ownership,
        status=status,
    )
    if workers is not None:
        services.record_headcount(actor=None, enterprise=enterprise, as_of=on, workers=workers)
    return enterprise
