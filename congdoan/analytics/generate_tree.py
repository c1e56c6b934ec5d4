"""The national tree of `congdoan generate`: one confederation, the 63 province federations,
under each of them district federations, sector unions and an industrial-zone union, and the
grassroots unions spread over those by the provinces' weights.

Each unit gets its Unit row (path, depth and search key as org.current restates them), one
UnitVersion and one OrgEvent of kind create, all founded on the same day.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from congdoan.analytics.generate_people import CITIES, EMPLOYERS, PROVINCES
from congdoan.analytics.generate_write import PG_NULL, ColumnWriter
from congdoan.core.text import name_key, search_key
from congdoan.org.kinds import UnitKind
from congdoan.org.models import OrgEvent, Unit, UnitVersion

DISTRICTS_PER_PROVINCE = 7
#: The upper-level unions under each province federation, after its district federations.
OTHER_UPPER = [
    (UnitKind.SECTOR, "Công đoàn ngành Giáo dục"),
    (UnitKind.SECTOR, "Công đoàn ngành Y tế"),
    (UnitKind.INDUSTRIAL_ZONE, "Công đoàn các khu công nghiệp"),
]
UPPER_PER_PROVINCE = DISTRICTS_PER_PROVINCE + len(OTHER_UPPER)
TOP_CODE = "VN"
TOP_NAME = "Tổng Liên đoàn Lao động Việt Nam (dữ liệu thử)"


@dataclass(frozen=True)
class Tree:
    units: int  # every unit written
    grassroots: np.ndarray  # ids of the grassroots unions, grouped by province
    province_of: np.ndarray  # for each grassroots union (same order), its province's index
    # grassroots[starts[p]:starts[p + 1]] are province p's unions
    starts: np.ndarray


def _spread(total: int, weights: np.ndarray) -> np.ndarray:
    """`total` split in proportion to `weights`, in whole numbers that add up (largest
    remainders first)."""
    share = total * weights / weights.sum()
    counts = np.floor(share).astype(np.int64)
    rest = total - counts.sum()
    if rest:
        counts[np.argsort(-(share - counts), kind="stable")[:rest]] += 1
    return counts


def build_tree(*, grassroots: int, founded: dt.date, rng: np.random.Generator) -> Tree:
    """Write the tree with `grassroots` grassroots unions; ids follow the tables' largest."""
    first = (Unit.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    rows: list[tuple] = []  # (id, code, name, kind, parent id, path)

    def add(code: str, name: str, kind: str, parent: tuple | None) -> tuple:
        unit_id = first + len(rows)
        path = f"{parent[5] if parent else '/'}{unit_id}/"
        row = (unit_id, code, name, kind, parent[0] if parent else None, path)
        rows.append(row)
        return row

    top = add(TOP_CODE, TOP_NAME, UnitKind.CONFEDERATION, None)
    weights = np.array([weight for _code, _name, weight in PROVINCES], dtype=float)
    per_province = _spread(grassroots, weights)
    uppers: list[list[tuple]] = []
    for prefix, place, _weight in PROVINCES:
        title = "thành phố" if prefix in CITIES else "tỉnh"
        province = add(f"T{prefix}", f"LĐLĐ {title} {place}", UnitKind.PROVINCE, top)
        mine = [
            add(f"T{prefix}-{d + 1:02d}", f"LĐLĐ huyện số {d + 1}", UnitKind.DISTRICT, province)
            for d in range(DISTRICTS_PER_PROVINCE)
        ]
        mine += [
            add(f"T{prefix}-{len(mine) + o + 1:02d}", name, kind, province)
            for o, (kind, name) in enumerate(OTHER_UPPER)
        ]
        uppers.append(mine)
    ids, province_of = [], []
    for p, (count, mine) in enumerate(zip(per_province.tolist(), uppers, strict=True)):
        # Uneven: the industrial-zone union and the big districts hold most unions.
        under = _spread(count, rng.uniform(0.3, 2.0, size=len(mine)))
        for upper, n in zip(mine, under.tolist(), strict=True):
            for g in range(n):
                employer = EMPLOYERS[g % len(EMPLOYERS)]
                row = add(
                    f"{upper[1]}-{g + 1:05d}", f"CĐCS {employer} số {g + 1}",
                    UnitKind.GRASSROOTS, upper,
                )
                ids.append(row[0])
                province_of.append(p)
    _write_units(rows, founded)
    starts = np.concatenate([[0], np.cumsum(per_province)])
    return Tree(
        units=len(rows),
        grassroots=np.array(ids, dtype=np.int64),
        province_of=np.array(province_of, dtype=np.int64),
        starts=starts,
    )


def _write_units(rows: list[tuple], founded: dt.date) -> None:
    units = ColumnWriter(
        Unit, ["id", "code", "name", "kind", "parent_id", "path", "search_key", "depth",
               "starts_on"],
    )
    null = PG_NULL if units.postgres else None
    day = founded.isoformat()
    ids = [r[0] for r in rows]
    codes = [r[1] for r in rows]
    names = [r[2] for r in rows]
    kinds = [str(r[3]) for r in rows]
    parents = [null if r[4] is None else r[4] for r in rows]
    with units:
        units.write([
            ids, codes, names, kinds, parents, [r[5] for r in rows],
            [search_key(f"{r[1]} {r[2]}") for r in rows],
            [r[5].count("/") - 2 for r in rows], [day] * len(rows),
        ])  # fmt: skip
    event_first = (OrgEvent.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    events = list(range(event_first, event_first + len(rows)))
    with ColumnWriter(OrgEvent, ["id", "kind", "effective_on", "summary"]) as writer:
        writer.write(
            [events, [OrgEvent.Kind.CREATE.value] * len(rows), [day] * len(rows),
             [f"{code} {name}"[:500] for code, name in zip(codes, names, strict=True)]]
        )  # fmt: skip
    through = OrgEvent.units.through
    link_first = (through.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    with ColumnWriter(through, ["id", "orgevent_id", "unit_id"]) as writer:
        writer.write([range(link_first, link_first + len(rows)), events, ids])
    version_first = (UnitVersion.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    with ColumnWriter(
        UnitVersion,
        ["id", "unit_id", "name", "name_key", "kind", "parent_id", "valid_from", "event_id"],
    ) as writer:
        writer.write(
            [range(version_first, version_first + len(rows)), ids, names,
             [name_key(n) for n in names], kinds, parents, [day] * len(rows), events]
        )  # fmt: skip
