"""Reads of the registry: coverage of enterprises by grassroots unions at any date.

Everything is one or two set-based queries, whatever the number of enterprises: the
figures valid on the date (latest headcount on or before it, status and union link in force
that day) are correlated subqueries the database answers from the (enterprise, date) indexes.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from congdoan.accounts.scope import Scope
from congdoan.enterprises.models import Enterprise, Headcount, Status, StatusPeriod, UnionLink
from congdoan.enterprises.rules import valid_on
from congdoan.members.selectors import spans_on
from congdoan.org import selectors as org_selectors
from congdoan.org.kinds import MEMBER_HOLDING, SUB_UNITS
from congdoan.org.models import Unit

AS_WAS, CURRENT = "as-was", "current"
STRUCTURES = (AS_WAS, CURRENT)


def default_min_workers() -> int:
    return settings.ENTERPRISES_MIN_WORKERS


def enterprises_under(
    unit: Unit, on: dt.date, *, structure: str = AS_WAS, scope: Scope | None = None
) -> QuerySet[Enterprise]:
    """Enterprises whose area unit lies under `unit`: in its subtree as it stood on `on`
    (as-was), or in today's structure (current)."""
    if structure == AS_WAS:
        enterprises = Enterprise.objects.filter(area_unit__in=area_units_as_of(unit, on))
    elif structure == CURRENT:
        enterprises = Enterprise.objects.filter(area_unit__path__startswith=unit.path)
    else:
        raise ValueError(structure)
    return scope.filter(enterprises, "area_unit") if scope is not None else enterprises


def area_units_as_of(unit: Unit, on: dt.date) -> list[int]:
    """Ids of the units whose enterprises count under `unit` on `on`, as the structure was.

    The units under it that day, and the area units that had ended by then and whose area
    the unit carrying their history on (a successor, else the last parent: the unit above
    them in today's path) held that day: enterprises of a district merged away in 2025
    count under the province from then on.
    """
    forest = org_selectors.tree_as_of(on)
    inside = forest.subtree_ids(unit.pk)
    # Only upper-level units hold enterprises: leaving out the grassroots unions keeps
    # the list of ids short even for the whole country.
    ids = [
        i
        for i in inside
        if forest.nodes[i].kind not in MEMBER_HOLDING and forest.nodes[i].kind not in SUB_UNITS
    ]
    inside = set(inside)
    ended = (
        Unit.objects.filter(ends_on__lte=on, enterprises__isnull=False)
        .values_list("pk", "path")
        .distinct()
    )
    for pk, path in ended:
        above = [int(part) for part in path.strip("/").split("/")[:-1]]
        carrier = next((i for i in reversed(above) if i in forest), None)
        if carrier in inside:
            ids.append(pk)
    return ids


def with_figures_on(enterprises: QuerySet[Enterprise], on: dt.date) -> QuerySet[Enterprise]:
    """Those operating on `on`, annotated with `workers` (latest figure on or before `on`,
    None if there is none) and `union_id` (the union in it that day, None if none)."""
    operating = StatusPeriod.objects.filter(
        valid_on(on), enterprise=OuterRef("pk"), status=Status.OPERATING
    )
    workers = (
        Headcount.objects.filter(enterprise=OuterRef("pk"), as_of__lte=on)
        .order_by("-as_of")
        .values("workers")[:1]
    )
    union = (
        UnionLink.objects.filter(valid_on(on), enterprise=OuterRef("pk"))
        .order_by()
        .values("union_id")
    )
    return enterprises.filter(Exists(operating)).annotate(
        workers=Subquery(workers), union_id=Subquery(union[:1])
    )


@dataclass(frozen=True)
class Coverage:
    unit: str
    as_of: dt.date
    min_workers: int
    eligible: int
    with_union: int
    pct: float | None
    workers_eligible: int
    workers_covered: int

    def as_dict(self) -> dict:
        return {**asdict(self), "as_of": self.as_of.isoformat()}


def coverage(
    *,
    unit: Unit,
    on: dt.date,
    min_workers: int | None = None,
    structure: str = AS_WAS,
    scope: Scope | None = None,
) -> Coverage:
    """Operating enterprises with at least `min_workers` workers under `unit` on `on`, how
    many have a grassroots union, and the workers in them."""
    threshold = default_min_workers() if min_workers is None else min_workers
    eligible = Q(workers__gte=threshold)
    organised = eligible & Q(union_id__isnull=False)
    counts = with_figures_on(
        enterprises_under(unit, on, structure=structure, scope=scope), on
    ).aggregate(
        eligible=Count("pk", filter=eligible),
        with_union=Count("pk", filter=organised),
        workers_eligible=Coalesce(Sum("workers", filter=eligible), 0),
        workers_covered=Coalesce(Sum("workers", filter=organised), 0),
    )
    return Coverage(
        unit=unit.code,
        as_of=on,
        min_workers=threshold,
        pct=round(100 * counts["with_union"] / counts["eligible"], 1)
        if counts["eligible"]
        else None,
        **counts,
    )


def uncovered(
    *,
    unit: Unit,
    on: dt.date,
    min_workers: int | None = None,
    structure: str = AS_WAS,
    scope: Scope | None = None,
) -> QuerySet[Enterprise]:
    """The federation's to-do list: eligible enterprises with no union on `on`, most
    workers first. Each row has `workers`; slice it for the first N."""
    threshold = default_min_workers() if min_workers is None else min_workers
    return (
        with_figures_on(enterprises_under(unit, on, structure=structure, scope=scope), on)
        .filter(workers__gte=threshold, union_id__isnull=True)
        .select_related("area_unit")
        .order_by("-workers", "name", "tax_code")
    )


@dataclass(frozen=True)
class ReachRow:
    tax_code: str
    name: str
    union: str
    workers: int | None
    members: int
    ratio: float | None


@dataclass(frozen=True)
class Reach:
    unit: str
    as_of: dt.date
    enterprises: int
    workers: int
    members: int
    ratio: float | None
    rows: list[ReachRow]

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "as_of": self.as_of.isoformat(),
            "rows": [asdict(r) for r in self.rows],
        }


def _ratio(members: int, workers: int | None) -> float | None:
    return round(members / workers, 3) if workers else None


def membership_reach(
    *,
    unit: Unit,
    on: dt.date,
    min_workers: int = 0,
    structure: str = AS_WAS,
    scope: Scope | None = None,
    limit: int | None = None,
) -> Reach:
    """How far membership reaches inside organised enterprises: per operating enterprise
    with a union on `on`, the union's members that day against the enterprise's workers.

    Rows come lowest reach first. A union in several enterprises (the branches of one
    company) is counted once in the totals. Totals leave out enterprises of unknown size.
    """
    organised = with_figures_on(
        enterprises_under(unit, on, structure=structure, scope=scope), on
    ).filter(union_id__isnull=False)
    if min_workers:
        organised = organised.filter(workers__gte=min_workers)
    found = list(organised.values_list("tax_code", "name", "union_id", "workers"))
    union_ids = organised.values("union_id")
    members = dict(
        spans_on(on)
        .filter(unit__in=union_ids)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    codes = dict(Unit.objects.filter(pk__in=union_ids).values_list("pk", "code"))
    rows = [
        ReachRow(
            tax_code=tax_code,
            name=name,
            union=codes[union_id],
            workers=workers,
            members=members.get(union_id, 0),
            ratio=_ratio(members.get(union_id, 0), workers),
        )
        for tax_code, name, union_id, workers in found
    ]
    rows.sort(key=lambda r: (r.ratio is None, r.ratio or 0, r.name))
    sized = [(union_id, workers) for _t, _n, union_id, workers in found if workers is not None]
    total_workers = sum(w for _u, w in sized)
    total_members = sum(members.get(u, 0) for u in {u for u, _w in sized})
    return Reach(
        unit=unit.code,
        as_of=on,
        enterprises=len(rows),
        workers=total_workers,
        members=total_members,
        ratio=_ratio(total_members, total_workers),
        rows=rows[:limit] if limit is not None else rows,
    )
