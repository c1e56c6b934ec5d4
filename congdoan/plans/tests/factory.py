"""make_* helpers for plans: an indicator, a plan of a unit with one yearly period."""

import datetime as dt
import itertools

from congdoan.plans import indicator_services, services
from congdoan.plans.models import Aggregation, Measure, Source

_numbers = itertools.count(1)


def make_indicator(
    *,
    code: str | None = None,
    aggregation: str = Aggregation.SUM,
    measure: str = Measure.PEOPLE,
    **fields,
):
    code = code or f"IND{next(_numbers)}"
    return indicator_services.create_indicator(
        actor=None,
        code=code,
        name=fields.pop("name", f"Chỉ tiêu {code}"),
        measure=measure,
        source=fields.pop("source", Source.REPORTED),
        aggregation=aggregation,
        **fields,
    )


def make_plan(*, owner, indicators=(), year: int = 2022, code: str | None = None):
    """A plan of `owner` for 2022–2023 with the periods `2022`, `2023` and `2022–2023`."""
    plan = services.create_plan(
        actor=None,
        code=code or f"KH-{next(_numbers)}",
        title="Kế hoạch phát triển đoàn viên",
        owner=owner,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year + 1, 12, 31),
        indicators=indicators,
    )
    for label, start, end, kind in (
        (str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), "year"),
        (str(year + 1), dt.date(year + 1, 1, 1), dt.date(year + 1, 12, 31), "year"),
        (f"{year}–{year + 1}", dt.date(year, 1, 1), dt.date(year + 1, 12, 31), "phase"),
    ):
        services.add_period(
            actor=None, plan=plan, label=label, starts_on=start, ends_on=end, kind=kind
        )
    return plan
