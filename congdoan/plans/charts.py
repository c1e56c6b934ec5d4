"""The plan overview's small SVG column charts: the owner's target in each year (geometry
in core.charts; the figures are also in the periods table beside them)."""

from decimal import Decimal

from congdoan.core import charts
from congdoan.plans.models import Period, Plan, Target

BAR_AREA = 80  # px: the tallest bar


def owner_targets(plan: Plan) -> list[dict]:
    """For each indicator with a target: the owner's target in each yearly period."""
    years = list(plan.periods.filter(kind=Period.Kind.YEAR).order_by("starts_on"))
    targets = Target.objects.filter(plan=plan, unit_id=plan.owner_id, period__in=years)
    values: dict[int, dict[int, Decimal]] = {}
    for indicator_id, period_id, value in targets.values_list("indicator_id", "period_id", "value"):
        values.setdefault(indicator_id, {})[period_id] = value
    drawn = []
    for indicator in plan.indicators.order_by("code"):
        figures = [(p.label, values.get(indicator.pk, {}).get(p.pk)) for p in years]
        if any(v is not None for _label, v in figures):
            drawn.append({"indicator": indicator, **charts.columns(figures, area=BAR_AREA)})
    return drawn
