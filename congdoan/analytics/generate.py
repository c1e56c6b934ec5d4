"""National-scale synthetic data for benchmarks: `congdoan generate --members N --units M`.

The tree (generate_tree), then N people and their membership spans drawn with numpy and
written straight into the tables (COPY on PostgreSQL, with the indexes and foreign keys made
again after the load; executemany on SQLite), then the aggregates rebuilt from the spans.
The data keep the registry's invariants by construction (a span starts after the person's
18th birthday, spans of one person follow each other, one open span at most), where the app
writes only through members.services, which check them row by row. Who the people are and
what their histories are like: generate_draw.
"""

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy

from congdoan.analytics import generate_draw, services
from congdoan.analytics.generate_draw import EPOCH, LEAVING
from congdoan.analytics.generate_people import GENDERS, PEOPLES, name_pool
from congdoan.analytics.generate_tree import build_tree
from congdoan.analytics.generate_write import PG_NULL, ColumnWriter, bulk_load
from congdoan.core.dates import today
from congdoan.members.models import Member, Membership
from congdoan.org.models import OrgEvent, Unit, UnitVersion

NOT_EMPTY = gettext_lazy(
    "The database already has %(units)s units and %(members)s members: congdoan generate "
    "fills only an empty database."
)
TOO_FEW = gettext_lazy("Give at least one grassroots union and no negative number of members.")

CHUNK = 200_000
ADMITTED = Membership.StartReason.ADMITTED.value
ACTIVE, SUSPENDED = Membership.Status.ACTIVE.value, Membership.Status.SUSPENDED.value
TRANSFERRED = Membership.StartReason.TRANSFERRED.value


class Refused(Exception):
    """The generator will not run: the message says why."""


class NotEmpty(Refused):
    pass


@dataclass(frozen=True)
class Step:
    name: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Generated:
    units: int = 0
    grassroots: int = 0
    members: int = 0
    spans: int = 0
    steps: list[Step] = field(default_factory=list)
    rebuilt: object = None  # analytics.services.Rebuilt

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)

    def as_dict(self) -> dict:
        rebuilt = self.rebuilt.as_dict() if self.rebuilt is not None else None
        return {
            "units": self.units,
            "grassroots": self.grassroots,
            "members": self.members,
            "spans": self.spans,
            "seconds": round(self.seconds, 1),
            "steps": [
                {"step": s.name, "rows": s.rows, "seconds": round(s.seconds, 2),
                 "rows_per_second": round(s.rate)}
                for s in self.steps
            ],  # fmt: skip
            "rebuilt": rebuilt,
        }


def check_empty() -> None:
    if Unit.objects.exists() or Member.objects.exists():
        units, members = Unit.objects.count(), Member.objects.count()
        raise NotEmpty(NOT_EMPTY % {"units": f"{units:,}", "members": f"{members:,}"})


def generate(
    *,
    members: int,
    units: int,
    seed: int = 2023,
    since: int = 2015,
    on: dt.date | None = None,
    report: Callable[[Step], None] | None = None,
) -> Generated:
    """Fill an empty database with a national tree of `units` grassroots unions and
    `members` people with their spans up to `on` (today), then rebuild the aggregates."""
    if units < 1 or members < 0:
        raise Refused(TOO_FEW)
    check_empty()
    on = on or today()
    out = Generated(members=members)
    clock = time.perf_counter()

    def step(name: str, rows: int) -> None:
        nonlocal clock
        now = time.perf_counter()
        out.steps.append(done := Step(name, rows, now - clock))
        clock = now
        if report:
            report(done)

    rng = np.random.default_rng(seed)
    founded = dt.date(since - 1, 1, 1)
    with transaction.atomic():
        tree = build_tree(grassroots=units, founded=founded, rng=rng)
        out.units, out.grassroots = tree.units, len(tree.grassroots)
        step("units", tree.units)
        first_id = (Member.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        people = generate_draw.draw(rng, members, tree, since=since, on=on, first_id=first_id)
        step("draw", members)
        with bulk_load(Member, Membership):
            _write_members(people, random.Random(seed))
            step("members", members)
            out.spans = _write_spans(people)
            step("spans", out.spans)
        step("indexes", members + out.spans)
    models = [Unit, UnitVersion, OrgEvent, OrgEvent.units.through, Member, Membership]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum would do soon: statistics for the planner and a visibility
            # map for index-only scans. (Not possible inside a caller's transaction.)
            for model in models:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
    step("vacuum analyze", members + out.spans)
    out.rebuilt = services.rebuild()
    step("rebuild aggregates", out.spans)
    return out


class _Dates:
    """ISO strings of day numbers, made once per distinct day."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.text = np.array(
            [(EPOCH + dt.timedelta(days=d)).isoformat() for d in range(first, last + 1)],
            dtype=object,
        )

    def __call__(self, days: np.ndarray) -> np.ndarray:
        return self.text[days - self.first]


MEMBER_COLUMNS = ["id", "full_name", "search_key", "gender", "birth_date", "birth_year",
                  "national_id", "ethnicity", "joined_on"]  # fmt: skip
SPAN_COLUMNS = ["id", "member_id", "unit_id", "status", "start", "start_reason", "end",
                "end_reason"]  # fmt: skip


def _write_members(people: dict, rng: random.Random) -> None:
    with ColumnWriter(Member, MEMBER_COLUMNS) as writer:
        for columns in _member_chunks(people, rng, PG_NULL if writer.postgres else None):
            writer.write(columns)


def _member_chunks(people: dict, rng: random.Random, null) -> Iterator[list]:
    count = len(people["unit"])
    if not count:
        return
    pool = generate_draw.pool(count)
    pools, keys = name_pool(rng, pool)
    names = np.array(
        [name for people_ in PEOPLES for gender in GENDERS for name in pools[people_, gender]],
        dtype=object,
    )
    name_keys = np.array([keys[n] for n in names], dtype=object)
    genders = np.array(GENDERS, dtype=object)
    peoples = np.array(PEOPLES, dtype=object)
    dates = _Dates(int(people["birth"].min()), int(people["joined"].max()))
    ids = generate_draw.national_ids(people)
    pick = (people["people"] * 2 + people["female"]) * pool + people["name"]
    first = int(people["first_id"])
    for a in range(0, count, CHUNK):
        b = min(count, a + CHUNK)
        chosen = pick[a:b]
        birth = np.where(people["has_birth"][a:b], dates(people["birth"][a:b]), null)
        national = np.array([f"{n:012d}" for n in ids[a:b].tolist()], dtype=object)
        yield [
            range(first + a, first + b), names[chosen], name_keys[chosen],
            genders[people["female"][a:b].astype(np.int64)], birth,
            people["born"][a:b].tolist(), np.where(people["has_id"][a:b], national, null),
            peoples[people["people"][a:b]], dates(people["joined"][a:b]),
        ]  # fmt: skip


def _write_spans(people: dict) -> int:
    """The first span of everyone, then the second of those transferred or suspended."""
    # Asked before the COPY starts: the connection serves nothing else during it.
    span_first = (Membership.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    with ColumnWriter(Membership, SPAN_COLUMNS) as writer:
        null = PG_NULL if writer.postgres else None
        for columns in _span_chunks(people, span_first, null):
            writer.write(columns)
    return writer.written


def _span_chunks(people: dict, span_first: int, null) -> Iterator[list]:
    count = len(people["unit"])
    if not count:
        return
    dates = _Dates(
        int(people["joined"].min()), int(max(people["joined"].max(), people["end"].max()))
    )
    reasons = np.array([TRANSFERRED, SUSPENDED, *LEAVING], dtype=object)
    first = int(people["first_id"])
    for a in range(0, count, CHUNK):
        b = min(count, a + CHUNK)
        end, joined = people["end"][a:b], people["joined"][a:b]
        closed = end >= 0
        n = b - a
        yield [
            range(span_first + a, span_first + b), range(first + a, first + b),
            people["unit"][a:b].tolist(), [ACTIVE] * n, dates(joined), [ADMITTED] * n,
            np.where(closed, dates(np.where(closed, end, joined)), null),
            np.where(closed, reasons[people["end_reason"][a:b]], ""),
        ]  # fmt: skip
    second = np.flatnonzero(people["transferred"] | people["suspended"])
    next_id = span_first + count
    for a in range(0, len(second), CHUNK):
        rows = second[a : a + CHUNK]
        moved = people["transferred"][rows]
        n = len(rows)
        yield [
            range(next_id + a, next_id + a + n), (rows + first).tolist(),
            np.where(moved, people["other"][rows], people["unit"][rows]).tolist(),
            np.where(moved, ACTIVE, SUSPENDED).astype(object), dates(people["end"][rows]),
            np.where(moved, TRANSFERRED, SUSPENDED).astype(object), [null] * n, [""] * n,
        ]  # fmt: skip
