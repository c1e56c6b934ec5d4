"""Reads of the registry: members at a date, movements between dates, a person's timeline."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q, QuerySet

from congdoan.members.models import LEAVING_REASONS, Member, Membership
from congdoan.org import selectors as org_selectors
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
