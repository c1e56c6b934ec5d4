"""Reads of the registry: coverage of enterprises by grassroots unions at any date.

Everything is one or two set-based queries, whatever the number of enterprises: the
figures valid on the date (latest headcount on or before it, status and union link in force
that day) are correlated subqueries the database answers from the (enterprise, date) indexes.
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from congdoan.accounts.scope import Scope
from congdoan.core.dates import today
from congdoan.core.text import search_key
from congdoan.enterprises.models import Enterprise, Headcount, Status, StatusPeriod, UnionLink
from congdoan.enterprises.rules import valid_on
from congdoan.members.selectors import spans_on
from congdoan.org import selectors as org_selectors
from congdoan.org.kinds import MEMBER_HOLDING, SUB_UNITS
from congdoan.org.models import Unit, path_ids

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
    return area_units_in(forest, unit.pk, ended_area_units(forest, on))


def area_units_in(forest, unit_id: int, ended: list[tuple[int, int | None]]) -> list[int]:
    """area_units_as_of() in a day's `forest`, the ended area units given (computed once
    when many units are asked about)."""
    inside = forest.subtree_ids(unit_id)
    # Only upper-level units hold enterprises: leaving out the grassroots unions keeps
    # the list of ids short even for the whole country.
    ids = [
        i
        for i in inside
        if forest.nodes[i].kind not in MEMBER_HOLDING and forest.nodes[i].kind not in SUB_UNITS
    ]
    inside = set(inside)
    ids += [pk for pk, carrier in ended if carrier in inside]
    return ids


def ended_area_units(forest, on: dt.date) -> list[tuple[int, int | None]]:
    """(id, carrier id) of each area unit ended by `on` that holds enterprises: the carrier
    is the nearest unit above it in today's path that exists in `forest`."""
    ended = (
        Unit.objects.filter(ends_on__lte=on, enterprises__isnull=False)
        .values_list("pk", "path")
        .distinct()
    )
    out = []
    for pk, path in ended:
        above = path_ids(path)[:-1]
        out.append((pk, next((i for i in reversed(above) if i in forest), None)))
    return out


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


# --- coverage of each unit under one ------------------------------------------------------


@dataclass(frozen=True)
class PartCoverage:
    """The coverage of one part of a unit: a unit directly under it, or (is_self) the
    enterprises placed directly under the unit itself."""

    code: str
    name: str
    kind: str
    is_self: bool
    coverage: Coverage


def coverage_by_child(
    *,
    unit: Unit,
    on: dt.date,
    min_workers: int | None = None,
    scope: Scope | None = None,
) -> list[PartCoverage]:
    """coverage() of each upper-level unit directly under `unit` on `on` (as the structure
    was), and of the enterprises placed under `unit` itself; lowest percentage first.

    One grouped query whatever the number of children: each enterprise's area unit is
    mapped to the child it lies under in memory, from the (cached) structure of that day.
    """
    threshold = default_min_workers() if min_workers is None else min_workers
    forest = org_selectors.tree_as_of(on)
    if unit.pk not in forest:
        return []
    visible = scope.unit_ids() if scope is not None else None
    holding = MEMBER_HOLDING | SUB_UNITS
    children = [
        node
        for node in forest.children_of(unit.pk)
        if node.kind not in holding and (visible is None or node.id in visible)
    ]
    part_of: dict[int, int] = {}
    for child in children:
        part_of.update(dict.fromkeys(forest.subtree_ids(child.id), child.id))
    for i in forest.subtree_ids(unit.pk):
        part_of.setdefault(i, unit.pk)
    part_of = {i: p for i, p in part_of.items() if forest.nodes[i].kind not in holding}
    for pk, carrier in ended_area_units(forest, on):
        if carrier in part_of:
            part_of[pk] = part_of[carrier]
    enterprises = Enterprise.objects.filter(area_unit__in=list(part_of))
    if scope is not None:
        enterprises = scope.filter(enterprises, "area_unit")
    eligible = Q(workers__gte=threshold)
    organised = eligible & Q(union_id__isnull=False)
    rows = (
        with_figures_on(enterprises, on)
        .order_by()
        .values("area_unit_id")
        .annotate(
            eligible=Count("pk", filter=eligible),
            with_union=Count("pk", filter=organised),
            workers_eligible=Coalesce(Sum("workers", filter=eligible), 0),
            workers_covered=Coalesce(Sum("workers", filter=organised), 0),
        )
    )
    keys = ("eligible", "with_union", "workers_eligible", "workers_covered")
    totals = {part: dict.fromkeys(keys, 0) for part in {*part_of.values(), unit.pk}}
    for row in rows:
        bucket = totals[part_of[row["area_unit_id"]]]
        for key in keys:
            bucket[key] += row[key]
    parts = []
    for node in [*children, forest.nodes[unit.pk]]:
        counts = totals[node.id]
        if node.id == unit.pk and not counts["eligible"]:
            continue  # nothing placed directly under the unit itself: no row for it
        eligible_n = counts["eligible"]
        pct = round(100 * counts["with_union"] / eligible_n, 1) if eligible_n else None
        parts.append(
            PartCoverage(
                code=node.code,
                name=node.name,
                kind=node.kind,
                is_self=node.id == unit.pk,
                coverage=Coverage(
                    unit=node.code, as_of=on, min_workers=threshold, pct=pct, **counts
                ),
            )
        )
    parts.sort(key=lambda p: (p.coverage.pct is None, p.coverage.pct or 0, p.name))
    return parts


# --- the enterprise list and one enterprise's page ---------------------------------------

PAGE_SIZE = 50
_TAX_CODE_TEXT = re.compile(r"^[\d\s.\-]+$")
_TAX_SEPARATORS = re.compile(r"[\s.\-]")


def _in_force_today(model, on: dt.date):
    return model.objects.filter(valid_on(on), enterprise=OuterRef("pk")).order_by()


def find_enterprises(
    scope: Scope,
    *,
    text: str = "",
    unit: Unit | None = None,
    ownership: str = "",
    status: str = "",
    has_union: bool | None = None,
    min_workers: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[Enterprise]:
    """Enterprises whose area unit is in scope (and under `unit` in today's structure),
    matching the list's filters; each with its latest figure, and status and union on `on`
    (today by default): `latest_workers`, `latest_as_of`, `status_now`, `union_code`,
    `union_name`."""
    on = on or today()
    enterprises = scope.filter(Enterprise.objects.all(), "area_unit")
    if unit is not None:
        enterprises = enterprises.filter(area_unit__path__startswith=unit.path)
    if ownership:
        enterprises = enterprises.filter(ownership=ownership)
    latest = Headcount.objects.filter(enterprise=OuterRef("pk")).order_by("-as_of")
    links = _in_force_today(UnionLink, on)
    enterprises = enterprises.select_related("area_unit").annotate(
        latest_workers=Subquery(latest.values("workers")[:1]),
        latest_as_of=Subquery(latest.values("as_of")[:1]),
        status_now=Subquery(_in_force_today(StatusPeriod, on).values("status")[:1]),
        union_code=Subquery(links.values("union__code")[:1]),
        union_name=Subquery(links.values("union__name")[:1]),
    )
    if status:
        enterprises = enterprises.filter(
            Exists(_in_force_today(StatusPeriod, on).filter(status=status))
        )
    if has_union is not None:
        enterprises = enterprises.filter(Exists(links) if has_union else ~Exists(links))
    if min_workers is not None:
        enterprises = enterprises.filter(latest_workers__gte=min_workers)
    return search_enterprises(enterprises, text) if text.strip() else enterprises


def search_enterprises(enterprises: QuerySet[Enterprise], text: str) -> QuerySet[Enterprise]:
    """A tax code (or its first digits), or words each starting a word of the name, accents,
    case and order ignored: "cong ty hoang long" finds "Công ty TNHH Hoàng Long"."""
    if _TAX_CODE_TEXT.match(text.strip()):
        digits = _TAX_SEPARATORS.sub("", text)
        prefix = f"{digits[:10]}-{digits[10:]}" if len(digits) > 10 else digits
        return enterprises.filter(tax_code__startswith=prefix)
    for word in search_key(text).split():
        enterprises = enterprises.filter(
            Q(search_key__startswith=word) | Q(search_key__contains=f" {word}")
        )
    return enterprises


@dataclass(frozen=True)
class EnterprisePage:
    enterprises: list[Enterprise]
    # "name:pk" of the last row when more rows follow; the next page starts after it.
    next_key: str | None


def enterprise_page(
    enterprises: QuerySet[Enterprise], *, after: str = "", size: int | None = None
) -> EnterprisePage:
    """One page in (name, pk) order after the key `after` (keyset: no OFFSET, no COUNT)."""
    size = size or PAGE_SIZE
    name, sep, pk = (after or "").rpartition(":")
    if sep and pk.isdigit():
        enterprises = enterprises.filter(Q(name__gt=name) | Q(name=name, pk__gt=int(pk)))
    rows = list(enterprises.order_by("name", "pk")[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    return EnterprisePage(rows, f"{rows[-1].name}:{rows[-1].pk}" if more else None)


def enterprise_for(scope: Scope, tax_code: str) -> Enterprise:
    """The enterprise with `tax_code` if its area unit is in scope; 404 otherwise."""
    enterprise = (
        scope.filter(Enterprise.objects.select_related("area_unit"), "area_unit")
        .filter(tax_code=tax_code)
        .first()
    )
    if enterprise is None:
        raise Http404(tax_code)
    return enterprise


def headcount_history(enterprise: Enterprise) -> list[Headcount]:
    """The enterprise's figures, oldest first."""
    return list(enterprise.headcounts.order_by("as_of"))


def status_history(enterprise: Enterprise) -> list[StatusPeriod]:
    return list(enterprise.status_periods.order_by("valid_from"))


def union_history(enterprise: Enterprise) -> list[UnionLink]:
    return list(enterprise.union_links.select_related("union").order_by("valid_from"))


@dataclass(frozen=True)
class Facts:
    """What the enterprise's page says of it today."""

    status: StatusPeriod | None
    link: UnionLink | None
    workers: Headcount | None
    members: int | None  # members of its union today; None without a union

    @property
    def reach(self) -> float | None:
        if self.members is None or not self.workers or not self.workers.workers:
            return None
        return round(100 * self.members / self.workers.workers, 1)


def facts_today(enterprise: Enterprise, on: dt.date | None = None) -> Facts:
    on = on or today()
    status = StatusPeriod.objects.filter(valid_on(on), enterprise=enterprise).first()
    link = (
        UnionLink.objects.select_related("union")
        .filter(valid_on(on), enterprise=enterprise)
        .first()
    )
    workers = enterprise.headcounts.filter(as_of__lte=on).order_by("-as_of").first()
    members = spans_on(on).filter(unit=link.union_id).count() if link is not None else None
    return Facts(status=status, link=link, workers=workers, members=members)


def area_units_for_entry(scope: Scope) -> QuerySet[Unit]:
    """Living upper-level units where this scope may record enterprises (not all of them
    the rules accept: a province may hold enterprises, a grassroots union may not)."""
    units = Unit.objects.filter(is_active=True).exclude(kind__in=MEMBER_HOLDING | SUB_UNITS)
    return scope.filter(units, "").order_by("path")
