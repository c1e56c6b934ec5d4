"""A synthetic province for benchmarks: one province federation, its 11 district federations,
grassroots unions of uneven size under them, and N members with their membership spans.

Units go through org.services like any unit. Members and spans are written straight into
their tables (COPY on PostgreSQL, executemany on SQLite): a benchmark shortcut that keeps the
registry's invariants by construction, where the app itself writes only through
members.services and members.bulk, which check them row by row.

The people: names as demo.people draws them for Sóc Trăng (Kinh, Khmer and Hoa), born
1965–2004, most with a full date of birth and a national ID. Their spans: 78 % one open
active span, 6 % transferred once (a closed span, then an open one in another union of the
district), 5 % suspended (an active span closed, then an open suspended one), 11 % left
(their last span closed: retired, left the job, withdrew).
"""

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from congdoan.analytics.generate_people import (
    EMPLOYERS,
    MIX_LEFT,
    MIX_SUSPENDED,
    MIX_TRANSFERRED,
    NAME_POOL,
    name_pool,
)
from congdoan.analytics.generate_write import write_rows
from congdoan.core.dates import today
from congdoan.demo.people import PersonMaker
from congdoan.members.models import Member, Membership
from congdoan.org import services as org_services
from congdoan.org.kinds import UnitKind
from congdoan.org.models import Unit

FOUNDED = dt.date(2000, 1, 1)
DISTRICTS = [
    "thành phố Sóc Trăng",
    "Châu Thành",
    "Kế Sách",
    "Mỹ Tú",
    "Cù Lao Dung",
    "Long Phú",
    "Mỹ Xuyên",
    "Thạnh Trị",
    "Trần Đề",
    "thị xã Vĩnh Châu",
    "thị xã Ngã Năm",
]
#: Members per grassroots union on average, when the number of unions is not given.
MEMBERS_PER_UNION = 300
# Share of Khmer and Hoa people, as in Sóc Trăng.
ETHNIC_MIX = (0.25, 0.03)
# Plain strings: the rows go to the database drivers, not through Django's fields.
ACTIVE, SUSPENDED = Membership.Status.ACTIVE.value, Membership.Status.SUSPENDED.value
Start, End = Membership.StartReason, Membership.EndReason
ADMITTED, TRANSFERRED = Start.ADMITTED.value, Start.TRANSFERRED.value
LEAVING = [End.RETIRED.value, End.LEFT_JOB.value, End.WITHDREW.value]


@dataclass(frozen=True)
class Province:
    province: Unit
    district: Unit  # the first district federation
    union: Unit  # the largest grassroots union of that district: its clerk's list
    unions: int
    members: int
    spans: int
    union_members: int  # people standing in `union` today (open spans)
    seconds: float  # time the build took
    steps: dict[str, float]  # seconds of each of its steps


def build(*, members: int, unions_per_district: int | None = None, seed: int = 2023) -> Province:
    """Create the province and `members` people (then VACUUM ANALYZE on PostgreSQL)."""
    steps, clock = {}, time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        steps[name] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()

    rng = random.Random(seed)
    per_district = unions_per_district or max(
        1, round(members / (len(DISTRICTS) * MEMBERS_PER_UNION))
    )
    province, districts, unions = _units(per_district)
    step("units")
    open_spans = Counter()
    member_rows, span_rows = _people(rng, members, unions, open_spans)
    with transaction.atomic():
        write_rows(Member, member_rows)
        step("members")
        spans = write_rows(Membership, span_rows)
        step("spans")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Member, Membership]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a load this size: statistics for the planner
            # and a visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE")
            step("vacuum analyze")
    union = max(unions[0], key=lambda u: open_spans[u.pk])
    return Province(
        province=province,
        district=districts[0],
        union=union,
        unions=sum(len(u) for u in unions),
        members=members,
        spans=spans,
        union_members=open_spans[union.pk],
        seconds=sum(steps.values()),
        steps=steps,
    )


def _units(per_district: int) -> tuple[Unit, list[Unit], list[list[Unit]]]:
    """The province's units, founded in 2000, through org.services (one restatement)."""

    def create(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
        return org_services.create_unit(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            on=FOUNDED,
            refresh=False,
        )

    with transaction.atomic():
        province = create("BENCH", "LĐLĐ tỉnh Sóc Trăng (thử)", UnitKind.PROVINCE, None)
        districts, unions = [], []
        for d, place in enumerate(DISTRICTS):
            district = create(f"BENCH-{d:02d}", f"LĐLĐ {place}", UnitKind.DISTRICT, province)
            districts.append(district)
            unions.append(
                [
                    create(
                        f"BENCH-{d:02d}-{g:04d}",
                        f"CĐCS {EMPLOYERS[g % len(EMPLOYERS)]} số {g + 1}",
                        UnitKind.GRASSROOTS,
                        district,
                    )
                    for g in range(per_district)
                ]
            )
        org_services.refresh_current_structure()
    fresh = Unit.objects.in_bulk()
    return (
        fresh[province.pk],
        [fresh[d.pk] for d in districts],
        [[fresh[u.pk] for u in row] for row in unions],
    )


def _people(
    rng: random.Random, count: int, unions: list[list[Unit]], open_spans: Counter
) -> tuple[Iterator[dict], Iterator[dict]]:
    """Rows of members, then of their spans, made lazily: a million people are written as
    they are drawn, only their spans (as tuples) wait in memory for the members' rows."""
    everyone = [(d, u.pk) for d, row in enumerate(unions) for u in row]
    # Uneven sizes, as unions are: a few factories of thousands, many schools of twenty.
    weights = [min(rng.paretovariate(1.3), 40.0) for _ in everyone]
    homes = iter(rng.choices(everyone, weights=weights, k=count))
    first_member = (Member.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    first_span = (Membership.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    maker, spans = PersonMaker(rng), []
    now, on = timezone.now(), today()
    names, keys = name_pool(rng, min(count, NAME_POOL))
    khmer, hoa = ETHNIC_MIX

    def people() -> Iterator[dict]:
        for member_id in range(first_member, first_member + count):
            gender = "female" if rng.random() < 0.52 else "male"
            roll = rng.random()
            ethnicity = "Khmer" if roll < khmer else "Hoa" if roll < khmer + hoa else "Kinh"
            name = rng.choice(names[ethnicity, gender])
            born = rng.randint(1965, 2004)
            birth = dt.date(born, 1, 1) + dt.timedelta(days=rng.randrange(365))
            joined = max(dt.date(born + 18, birth.month, 1), dt.date(2005, 1, 1))
            joined += dt.timedelta(days=rng.randrange(max(1, (on - joined).days - 400)))
            district, unit = next(homes)
            mine = _spans(rng, member_id, unit, unions[district], joined, on)
            open_spans[mine[-1][1]] += mine[-1][5] is None
            spans.extend(mine)
            yield {
                "id": member_id,
                "full_name": name,
                "search_key": keys[name],
                "gender": gender,
                "birth_year": born,
                "birth_date": birth if rng.random() < 0.85 else None,
                "national_id": (
                    maker.national_id("094", gender, born) if rng.random() < 0.95 else None
                ),
                "ethnicity": ethnicity,
                "joined_on": joined,
                "created_at": now,
                "updated_at": now,
            }

    def memberships() -> Iterator[dict]:
        for span_id, row in enumerate(spans, start=first_span):
            yield {"id": span_id, **dict(zip(SPAN_FIELDS, row, strict=True))}

    return people(), memberships()


SPAN_FIELDS = ("member_id", "unit_id", "status", "start", "start_reason", "end", "end_reason")


def _spans(
    rng: random.Random,
    member_id: int,
    unit: int,
    district: list[Unit],
    joined: dt.date,
    on: dt.date,
) -> list[tuple]:
    """One person's spans (values of SPAN_FIELDS), oldest first, all before `on`."""
    later = joined + dt.timedelta(days=30 + rng.randrange(max(1, (on - joined).days - 60)))
    roll = rng.random()
    if roll < MIX_TRANSFERRED and (other := rng.choice(district).pk) != unit:
        return [
            (member_id, unit, ACTIVE, joined, ADMITTED, later, TRANSFERRED),
            (member_id, other, ACTIVE, later, TRANSFERRED, None, ""),
        ]
    if roll < MIX_SUSPENDED:
        since = max(joined + dt.timedelta(days=30), on - dt.timedelta(days=rng.randrange(300)))
        return [
            (member_id, unit, ACTIVE, joined, ADMITTED, since, SUSPENDED),
            (member_id, unit, SUSPENDED, since, SUSPENDED, None, ""),
        ]
    if roll < MIX_LEFT:
        reason = rng.choice(LEAVING)
        return [(member_id, unit, ACTIVE, joined, ADMITTED, later, reason)]
    return [(member_id, unit, ACTIVE, joined, ADMITTED, None, "")]
