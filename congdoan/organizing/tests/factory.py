"""make_* helpers for organizing tests: enterprises without a union, cases at any stage."""

import datetime as dt
import itertools

from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.org.models import Unit
from congdoan.organizing import services
from congdoan.organizing.models import STAGES, Case, Stage

D = dt.date
OPENED = D(2024, 1, 10)
_people = itertools.count(1)


APPLIED = D(2024, 2, 1)


def add_applicants(case: Case, n: int, *, applied_on: dt.date = APPLIED, **fields):
    found = []
    for _ in range(n):
        number = next(_people)
        found.append(
            services.add_applicant(
                actor=None, case=case, full_name=f"Người Lao Động {number}",
                gender="female" if number % 2 else "male", birth_date=D(1995, 3, 1),
                applied_on=applied_on, **fields,
            )
        )  # fmt: skip
    return found


def make_case(
    *,
    owner: Unit,
    enterprise=None,
    stage: str = Stage.IDENTIFIED,
    applicants: int = 0,
    opened_on: dt.date = OPENED,
    name: str | None = None,
) -> Case:
    """A case opened on `opened_on`, moved a week per stage up to `stage` (not recognised)."""
    enterprise = enterprise or make_enterprise(area_unit=owner, workers=40, name=name)
    case = services.open_case(actor=None, enterprise=enterprise, owner=owner, on=opened_on)
    add_applicants(case, applicants)
    day = opened_on
    while case.stage != stage:
        day += dt.timedelta(days=7)
        case = services.advance(actor=None, case=case, on=day)
    assert STAGES.index(case.stage) <= STAGES.index(Stage.CONGRESS)
    return case
