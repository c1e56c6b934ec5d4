"""Reads of the registry: members at a date, movements between dates, a person's timeline."""

import datetime as dt
import re
from dataclasses import asdict, dataclass

from django.db import connection
from django.db.models import CharField, Count, Exists, F, Func, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from congdoan.accounts.models import Role
from congdoan.accounts.scope import MANAGE_ROLES, Scope
from congdoan.core.dates import today
from congdoan.core.text import search_key
from congdoan.members.models import LEAVING_REASONS, Member, Membership, TransferRequest
from congdoan.org import selectors as org_selectors
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import Unit

AS_WAS, CURRENT = "as-was", "current"
STRUCTURES = (AS_WAS, CURRENT)
Start, End = Membership.StartReason, Membership.EndReason


def units_counted_under(unit: Unit, on: dt.date, structure: str) -> QuerySet[Unit] | list[int]:
    """The units whose members count for `unit` on `on`.

    as-was: the unit's subtree as it stood on that date; current: every unit whose history
    belongs under it in today's structure (ended units under their successor).
    """
    if structure == AS_WAS:
        return [node.id for node in org_selectors.subtree_as_of(unit, on)]
    if structure == CURRENT:
        return org_selectors.current_subtree(unit).values("pk")
    raise ValueError(structure)


def spans_on(on: dt.date) -> QuerySet[Membership]:
    """Memberships in force on `on` (a span counts from its start up to the day before its end)."""
    return Membership.objects.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gt=on))


@dataclass(frozen=True)
class MemberCount:
    unit: str
    as_of: dt.date
    structure: str
    members: int
    active: int
    suspended: int
    female: int

    def as_dict(self) -> dict:
        return {**asdict(self), "as_of": self.as_of.isoformat()}


def count_members(*, unit: Unit, on: dt.date, structure: str = AS_WAS) -> MemberCount:
    """How many members `unit` had on `on` (suspended members count as members)."""
    counts = (
        spans_on(on)
        .filter(unit__in=units_counted_under(unit, on, structure))
        .aggregate(
            members=Count("pk"),
            suspended=Count("pk", filter=Q(status=Membership.Status.SUSPENDED)),
            female=Count("pk", filter=Q(member__gender="female")),
        )
    )
    return MemberCount(
        unit=unit.code,
        as_of=on,
        structure=structure,
        members=counts["members"],
        active=counts["members"] - counts["suspended"],
        suspended=counts["suspended"],
        female=counts["female"],
    )


@dataclass(frozen=True)
class Movements:
    unit: str
    start: dt.date
    end: dt.date
    structure: str
    joined: int
    left: int
    transferred_in: int
    transferred_out: int

    def as_dict(self) -> dict:
        return {**asdict(self), "start": self.start.isoformat(), "end": self.end.isoformat()}


def member_movements(
    *, unit: Unit, start: dt.date, end: dt.date, structure: str = CURRENT
) -> Movements:
    """Joins, leaves and transfers across the unit's boundary from `start` up to `end`.

    Transfers between two units both under `unit` are internal and not counted. The units
    are those under `unit` on `end` (as-was) or today (current).
    """
    inside = set(
        units_counted_under(unit, end, structure)
        if structure == AS_WAS
        else org_selectors.current_subtree(unit).values_list("pk", flat=True)
    )
    began = Membership.objects.filter(start__gte=start, start__lt=end, unit__in=inside)
    ended = Membership.objects.filter(end__gte=start, end__lt=end, unit__in=inside)
    joined = began.filter(start_reason__in=[Start.ADMITTED, Start.READMITTED]).count()
    left = ended.filter(end_reason__in=LEAVING_REASONS).count()
    transferred_in = _crossing(began.filter(start_reason=Start.TRANSFERRED), inside, "in")
    transferred_out = _crossing(ended.filter(end_reason=End.TRANSFERRED), inside, "out")
    # To a union outside the system: no span follows, and the other end is outside by rule.
    transferred_out += ended.filter(end_reason=End.TRANSFERRED_AWAY).count()
    return Movements(
        unit=unit.code,
        start=start,
        end=end,
        structure=structure,
        joined=joined,
        left=left,
        transferred_in=transferred_in,
        transferred_out=transferred_out,
    )


def _crossing(spans: QuerySet[Membership], inside: set[int], direction: str) -> int:
    """Transfers whose other end (the span closed or opened the same day) lies outside."""
    pairs = list(spans.values_list("member_id", "start" if direction == "in" else "end"))
    if not pairs:
        return 0
    other_field = "end" if direction == "in" else "start"
    others = Membership.objects.filter(
        member_id__in={m for m, _ in pairs}, **{f"{other_field}__in": {d for _, d in pairs}}
    ).values_list("member_id", other_field, "unit_id")
    outside = {(m, d) for m, d, unit_id in others if unit_id not in inside}
    return sum(pair in outside for pair in pairs)


def member_timeline(member: Member) -> QuerySet[Membership]:
    """The person's memberships, oldest first, with their units."""
    return member.memberships.select_related("unit").order_by("start", "pk")


def current_membership(member: Member) -> Membership | None:
    return member.memberships.select_related("unit").filter(end__isnull=True).first()


# --- the member list and one member's page -----------------------------------------------

LEFT = "left"
LIST_STATUSES = (Membership.Status.ACTIVE, Membership.Status.SUSPENDED, LEFT)
# Age reached this year: (lowest, highest excluded); None is open-ended.
AGE_BANDS = {"under30": (None, 30), "30-45": (30, 45), "45-60": (45, 60), "60plus": (60, None)}
PAGE_SIZE = 50
_NUMBER_SEPARATORS = re.compile(r"[\s.]")


def standing_spans_in(
    scope: Scope, *, status: str = "", unit: Unit | None = None
) -> QuerySet[Membership]:
    """The spans that place people in scope (and under `unit`, in today's structure).

    Members today: their open span (of `status` if given). For "left": each former member's
    last span, which is closed.
    """
    spans = Membership.objects.all()
    if unit is not None or not scope.is_everything:
        units = scope.units()
        if unit is not None:
            units = units.filter(path__startswith=unit.path)
        if _is_one_union(scope, unit):
            # A union and the few ended unions merged into it: their ids let SQLite use the
            # spans' unit index even without statistics (it scans all open spans otherwise).
            units = list(units.values_list("pk", flat=True))
        else:
            units = units.values("pk")
        spans = spans.filter(unit__in=units)
    if status == LEFT:
        later = Membership.objects.filter(member=OuterRef("member"), start__gt=OuterRef("start"))
        return spans.filter(end__isnull=False).filter(~Exists(later))
    spans = spans.filter(end__isnull=True)
    return spans.filter(status=status) if status else spans


def _is_one_union(scope: Scope, unit: Unit | None) -> bool:
    narrowest = unit or (None if scope.is_everything else scope.unit)
    return narrowest is not None and narrowest.kind in MEMBER_HOLDING


def find_members(
    scope: Scope,
    *,
    status: str = "",
    unit: Unit | None = None,
    text: str = "",
    gender: str = "",
    joined_year: int | None = None,
    age_band: str = "",
) -> QuerySet[Member]:
    """Members in scope matching the list's filters, as one query (no ids held in Python)."""
    spans = standing_spans_in(scope, status=status, unit=unit)
    if _is_one_union(scope, unit):
        # SQLite runs each form as written. IN gathers the spans first and sorts their
        # people: best for one union's few members. EXISTS walks the name index and stops
        # after a page: best when the scope holds a large share of everyone. PostgreSQL
        # plans both as the same semi-join and picks by its statistics.
        members = Member.objects.filter(pk__in=spans.values("member_id"))
    else:
        members = Member.objects.filter(Exists(spans.filter(member=OuterRef("pk"))))
    if gender:
        members = members.filter(gender=gender)
    if joined_year:
        members = members.filter(joined_on__year=joined_year)
    if age_band:
        low, high = AGE_BANDS[age_band]
        year = today().year
        # On SQLite an expression, not the column: on the column SQLite range-scans the
        # (birth_year, search_key) index and sorts a whole age band instead of walking names
        # in order. PostgreSQL needs the column to see its statistics.
        born = F("birth_year") + 0 if connection.vendor == "sqlite" else F("birth_year")
        members = members.alias(born=born)
        if low is not None:
            members = members.filter(born__lte=year - low)
        if high is not None:
            members = members.filter(born__gt=year - high)
    if text.strip():
        members = search_members(members, text)
    several_words = len(search_key(text).split()) > 1
    if _is_one_union(scope, unit) or (several_words and connection.vendor == "postgresql"):
        # Few rows: sort what was found. Walking everyone's names in order until a page is
        # full (the plan a LIMIT invites) reads most of a national registry when the matches
        # are few or bunched under one letter: 0.7–2 s at 1,000,000 members on PostgreSQL.
        # SQLite, at a province's size, walks the names faster (66 ms against 112 ms).
        members = members.order_by(_Unindexed("search_key"), "pk")
    return members


class _SpacedKey(Func):
    """' ' || search_key: every word of the name, the first one too, follows a space, so one
    LIKE '% w%' (served by a trigram index on PostgreSQL) finds a word start anywhere."""

    template = "(' ' || %(expressions)s)"
    output_field = CharField()


class _Unindexed(Func):
    """The key as no index yields it in order, so the database sorts what it found."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


def search_members(members: QuerySet[Member], text: str) -> QuerySet[Member]:
    """Every word of `text` starts a word of the name, accents, case and word order ignored;
    a number (digits only) is looked up as a national ID or union card number instead.

    Word starts, not substrings: "an" must find "An" and "Anh", not "Thanh" or "Lan".
    """
    digits = _NUMBER_SEPARATORS.sub("", text)
    if digits.isdigit():
        # Spreadsheets drop the leading zero of national IDs: 11 digits are 12 with a 0.
        ids = {digits, "0" + digits} if len(digits) == 11 else {digits}
        return members.filter(Q(national_id__in=ids) | Q(card_number=digits))
    members = members.alias(spaced_key=_SpacedKey("search_key"))
    for word in search_key(text).split():
        members = members.filter(spaced_key__contains=f" {word}")
    return members


@dataclass(frozen=True)
class MemberPage:
    members: list[Member]
    # "search_key:pk" of the last row when more rows follow; the next page starts after it.
    next_key: str | None


def parse_page_key(key: str) -> tuple[str, int] | None:
    text, sep, pk = (key or "").rpartition(":")
    return (text, int(pk)) if sep and pk.isdigit() else None


def member_page(
    members: QuerySet[Member], *, after: str = "", size: int | None = None
) -> MemberPage:
    """One page in (search_key, pk) order after the key `after` (keyset: no OFFSET, no COUNT)."""
    size = size or PAGE_SIZE
    if (key := parse_page_key(after)) is not None:
        text, pk = key
        members = members.filter(Q(search_key__gt=text) | Q(search_key=text, pk__gt=pk))
    if not members.query.order_by:
        members = members.order_by("search_key", "pk")
    rows = list(members[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    return MemberPage(rows, f"{rows[-1].search_key}:{rows[-1].pk}" if more else None)


def registered_with(field: str, values: list[str]) -> QuerySet[Member]:
    """People whose `field` (national_id or card_number) is one of `values` (thousands, for
    an import's chunk). On PostgreSQL they go as one array (= ANY), not an IN list of a
    parameter each: half the time for 5,000 values, most of it in parsing the list."""
    if connection.vendor != "postgresql":
        return Member.objects.filter(**{f"{field}__in": values})
    column = connection.ops.quote_name(Member._meta.get_field(field).column)
    table = connection.ops.quote_name(Member._meta.db_table)
    ids = RawSQL(f"SELECT id FROM {table} WHERE {column} = ANY(%s)", [list(values)])
    return Member.objects.filter(pk__in=ids)


def standing_span(member: Member) -> Membership | None:
    """The person's open span, else their last one (spans never overlap), with its unit."""
    return member.memberships.select_related("unit").order_by("-start", "-pk").first()


def standing_spans(members: list[Member]) -> dict[int, Membership]:
    """standing_span for each member of a page, in one query."""
    spans = (
        Membership.objects.filter(member__in=[m.pk for m in members])
        .select_related("unit")
        .order_by("member_id", "start", "pk")
    )
    return {span.member_id: span for span in spans}


def member_for(scope: Scope, pk: int) -> tuple[Member, Membership | None]:
    """The member `pk` and their standing span if that span is in scope; 404 otherwise."""
    member = Member.objects.filter(pk=pk).first()
    span = standing_span(member) if member is not None else None
    if member is None or not (scope.is_everything or scope.contains(span and span.unit)):
        raise Http404
    return member, span


def visible_member_with_national_id(scope: Scope, national_id: str) -> Member | None:
    """The person registered with `national_id` if this scope may open their page."""
    member = Member.objects.filter(national_id=national_id).first()
    if member is None:
        return None
    try:
        return member_for(scope, member.pk)[0]
    except Http404:
        return None


def member_holding_units() -> QuerySet[Unit]:
    """Living grassroots unions and guilds, all of them."""
    return Unit.objects.filter(is_active=True, kind__in=MEMBER_HOLDING).order_by("name", "code")


def units_for_data_entry(scope: Scope) -> QuerySet[Unit]:
    """Living grassroots unions and guilds where this scope may record members.

    The queryset form of Scope.can_enter_data, for choice lists at any scale.
    """
    units = member_holding_units()
    if scope.is_everything:
        return units
    if scope.unit is None:
        return units.none()
    if scope.role == Role.CLERK:
        return units.filter(pk=scope.unit.pk)
    if scope.role in MANAGE_ROLES:
        return scope.filter(units, "")
    return units.none()


# --- transfers between unions kept by different users --------------------------------------


def incoming_transfers(scope: Scope) -> QuerySet[TransferRequest]:
    """Requests awaiting an answer from a union where this scope records members."""
    return (
        TransferRequest.objects.filter(
            status=TransferRequest.Status.PENDING,
            to_unit__in=units_for_data_entry(scope).values("pk"),
        )
        .select_related("member", "from_unit", "to_unit", "requested_by")
        .order_by("requested_at", "pk")
    )


def outgoing_transfers(scope: Scope, *, limit: int = 50) -> list[TransferRequest]:
    """The latest requests sent from unions in scope, answered or not."""
    requests = scope.filter(TransferRequest.objects.all(), "from_unit")
    return list(
        requests.select_related("member", "from_unit", "to_unit", "decided_by")
        .order_by("-requested_at", "-pk")[:limit]
    )
