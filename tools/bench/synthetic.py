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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from congdoan.core.dates import today
from congdoan.core.text import search_key
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
EMPLOYERS = [
    "Trường Tiểu học",
    "Trường THCS",
    "Trường Mầm non",
    "Công ty TNHH Thủy sản",
    "Công ty CP Lương thực",
    "Trạm Y tế xã",
    "UBND xã",
    "Hợp tác xã Nông nghiệp",
]
#: Members per grassroots union on average, when the number of unions is not given.
MEMBERS_PER_UNION = 300
# Share of Khmer and Hoa people, as in Sóc Trăng.
ETHNIC_MIX = (0.25, 0.03)
CHUNK = 50_000
NAME_POOL = 10_000
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
        _write(Member, member_rows)
        step("members")
        spans = _write(Membership, span_rows)
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
    # Names drawn ahead for each people and gender, then picked from: drawing a million
    # one by one takes half a minute, and a pool this size keeps the names' frequencies.
    pool = min(count, NAME_POOL)
    names = {
        (ethnicity, gender): [maker.name(ethnicity, gender) for _ in range(pool)]
        for ethnicity in ("Kinh", "Khmer", "Hoa")
        for gender in ("male", "female")
    }
    keys = {name: search_key(name) for drawn in names.values() for name in set(drawn)}
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
    if roll < 0.06 and (other := rng.choice(district).pk) != unit:
        return [
            (member_id, unit, ACTIVE, joined, ADMITTED, later, TRANSFERRED),
            (member_id, other, ACTIVE, later, TRANSFERRED, None, ""),
        ]
    if roll < 0.11:
        since = max(joined + dt.timedelta(days=30), on - dt.timedelta(days=rng.randrange(300)))
        return [
            (member_id, unit, ACTIVE, joined, ADMITTED, since, SUSPENDED),
            (member_id, unit, SUSPENDED, since, SUSPENDED, None, ""),
        ]
    if roll < 0.22:
        reason = rng.choice(LEAVING)
        return [(member_id, unit, ACTIVE, joined, ADMITTED, later, reason)]
    return [(member_id, unit, ACTIVE, joined, ADMITTED, None, "")]


def _write(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert `rows` (field attnames to values, ids included) into the model's table.

    Columns a row leaves out take the field's default; auto_now fields take now.
    """
    fields = model._meta.concrete_fields
    now = timezone.now()

    def default(field: models.Field):
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        return now if stamped else field.get_default()

    columns = [(f.attname, default(f)) for f in fields]
    ops, adapted, adapters = connection.ops, {}, {}
    # psycopg adapts dates itself; the sqlite3 module's own date adapters are deprecated.
    if connection.vendor != "postgresql":
        for i, f in enumerate(fields):
            if isinstance(f, models.DateTimeField):
                adapters[i] = ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                adapters[i] = ops.adapt_datefield_value

    def values(row: dict) -> list:
        out = [row.get(name, default) for name, default in columns]
        for i, adapt in adapters.items():
            if (value := out[i]) is not None:
                if value not in adapted:
                    adapted[value] = adapt(value)
                out[i] = adapted[value]
        return out

    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    written, raw = 0, connection.connection
    rows = iter(rows)
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))
                written += 1
        return written
    marks = ", ".join("?" for _ in fields)
    while chunk := [values(row) for row in islice(rows, CHUNK)]:
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)
        written += len(chunk)
    return written
