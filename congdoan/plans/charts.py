"""Geometry of the plan overview's small SVG bar charts (as in enterprises/charts.py).

Lengths across are percentages of the width the page gives, heights are pixels; the
figures are also written in the periods table beside them.
"""

from dataclasses import dataclass
from decimal import Decimal

from congdoan.plans.models import Period, Plan, Target

BAR_AREA = 80  # px: the tallest bar


@dataclass(frozen=True)
class Column:
    x: float
    width: float
    middle: float
    top: float
    height: float
    label_y: float
    value: Decimal
    label: str


def owner_targets(plan: Plan) -> list[dict]:
    """For each indicator with a target: the owner's target in each yearly period."""
    years = list(plan.periods.filter(kind=Period.Kind.YEAR).order_by("starts_on"))
    targets = Target.objects.filter(plan=plan, unit_id=plan.owner_id, period__in=years)
    values: dict[int, dict[int, Decimal]] = {}
    for indicator_id, period_id, value in targets.values_list("indicator_id", "period_id", "value"):
        values.setdefault(indicator_id, {})[period_id] = value
    charts = []
    for indicator in plan.indicators.order_by("code"):
        figures = [(p, values.get(indicator.pk, {}).get(p.pk)) for p in years]
        if not any(v is not None for _p, v in figures):
            continue
        largest = max(v for _p, v in figures if v is not None) or 1
        slot = 100 / len(figures)
        width = min(slot * 0.6, 18)
        columns = []
        for i, (period, value) in enumerate(figures):
            height = 0 if value is None else max(1.0, float(BAR_AREA * value / largest))
            middle = slot * i + slot / 2
            columns.append(
                Column(
                    x=round(middle - width / 2, 2),
                    width=round(width, 2),
                    middle=round(middle, 2),
                    top=round(20 + BAR_AREA - height, 1),
                    height=round(height, 1),
                    label_y=round(20 + BAR_AREA - height - 5, 1),
                    value=value,
                    label=period.label,
                )
            )
        charts.append(
            {
                "indicator": indicator,
                "columns": columns,
                "height": 20 + BAR_AREA + 22,
                "base": 20 + BAR_AREA,
            }
        )
    return charts
