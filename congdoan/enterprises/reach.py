"""How far membership reaches inside organised enterprises: a union's members against the
workers of the enterprise it is in (`congdoan enterprises reach`, the reach page)."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count

from congdoan.accounts.scope import Scope
from congdoan.enterprises.selectors import AS_WAS, enterprises_under, with_figures_on
from congdoan.members.selectors import spans_on
from congdoan.org.models import Unit


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
