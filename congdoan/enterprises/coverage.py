"""Enterprise coverage of many units at once, as the plans' calculator counts it.

enterprises.selectors.coverage() answers for one unit with one query; a progress page asks
it for a unit and every unit under it (a city federation has over a hundred unions). Here
the enterprises under all of them are counted in one query grouped by area unit, and each
unit's figures are the sums over its own area units on that day.
"""

import datetime as dt

from django.db.models import Count, Q

from congdoan.enterprises.models import Enterprise
from congdoan.enterprises.selectors import (
    area_units_in,
    default_min_workers,
    ended_area_units,
    with_figures_on,
)
from congdoan.org import selectors as org_selectors


def coverage_of_units(
    unit_ids: list[int], *, on: dt.date, min_workers: int | None = None
) -> dict[int, tuple[int, int]]:
    """unit id → (eligible enterprises, those with a union) on `on`, as the structure was
    that day; a unit absent that day has none."""
    threshold = default_min_workers() if min_workers is None else min_workers
    forest = org_selectors.tree_as_of(on)
    ended = ended_area_units(forest, on)
    areas = {
        unit_id: area_units_in(forest, unit_id, ended) if unit_id in forest else []
        for unit_id in unit_ids
    }
    wanted = sorted({area for ids in areas.values() for area in ids})
    eligible = Q(workers__gte=threshold)
    rows = (
        with_figures_on(Enterprise.objects.filter(area_unit__in=wanted), on)
        .order_by()
        .values("area_unit_id")
        .annotate(
            eligible=Count("pk", filter=eligible),
            with_union=Count("pk", filter=eligible & Q(union_id__isnull=False)),
        )
    )
    by_area = {row["area_unit_id"]: (row["eligible"], row["with_union"]) for row in rows}
    out = {}
    for unit_id, ids in areas.items():
        counts = [by_area.get(area, (0, 0)) for area in ids]
        out[unit_id] = (sum(c[0] for c in counts), sum(c[1] for c in counts))
    return out
