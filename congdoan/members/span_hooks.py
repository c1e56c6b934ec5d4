"""Who must hear about every change of membership spans, registered at start-up.

Aggregates of members (analytics) sit above members in the layers, so members cannot call
them; analytics registers a handler here in its AppConfig.ready. Every writer of spans in
members (the services, the bulk loader, merging) reports what it removed and added, as
SpanFacts carrying what the counts need of the person (gender, the employer's sector).
A changed span is reported as its old facts removed and its new facts added. Handlers run
inside the writer's transaction, so the counts commit or roll back with the spans.
"""

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, replace
from itertools import islice

from congdoan.enterprises.models import NON_STATE_SECTOR, Enterprise

_IN_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class SpanFacts:
    member_id: int
    unit_id: int
    start: dt.date
    end: dt.date | None
    start_reason: str
    end_reason: str
    status: str
    female: bool
    non_state: bool


SpanHandler = Callable[..., None]
_handlers: list[SpanHandler] = []


def on_spans_changed(handler: SpanHandler) -> SpanHandler:
    """Register handler(*, removed, added), each a list of SpanFacts."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


_local = threading.local()
_batches: list[Callable[[], AbstractContextManager]] = []


def on_batch(factory: Callable[[], AbstractContextManager]) -> None:
    """Register a context manager that batch() enters: a handler that can gather many
    changes and settle them once at the end."""
    if factory not in _batches:
        _batches.append(factory)


@contextmanager
def batch():
    """Many changes follow (an import of thousands of people): handlers may gather them and
    settle once on leaving. Enter it inside the writer's transaction, so what the handlers
    settle commits or rolls back with the spans."""
    if not listening():
        yield
        return
    with ExitStack() as stack:
        for factory in _batches:
            stack.enter_context(factory())
        yield


def listening() -> bool:
    return bool(_handlers) and not getattr(_local, "paused", False)


@contextmanager
def paused():
    """Nobody hears of the spans written inside (in this thread): for loaders that write a
    whole registry and rebuild what depends on it once at the end, as the demo does."""
    before = getattr(_local, "paused", False)
    _local.paused = True
    try:
        yield
    finally:
        _local.paused = before


def spans_changed(*, removed: Iterable[SpanFacts] = (), added: Iterable[SpanFacts] = ()) -> None:
    removed, added = list(removed), list(added)
    if not (removed or added) or not listening():
        return
    for handler in _handlers:
        handler(removed=removed, added=added)


def facts(span, *, gender: str, ownership: str | None) -> SpanFacts:
    """The facts of a Membership for a person of `gender` whose employer has `ownership`."""
    return SpanFacts(
        member_id=span.member_id,
        unit_id=span.unit_id,
        start=span.start,
        end=span.end,
        start_reason=span.start_reason,
        end_reason=span.end_reason or "",
        status=span.status,
        female=gender == "female",
        non_state=ownership in NON_STATE_SECTOR,
    )


def facts_for_member(span, member) -> SpanFacts:
    """The facts of one span of `member` (one query for the employer's sector, if any)."""
    ownership = None
    if member.enterprise_id is not None:
        ownership = (
            Enterprise.objects.filter(pk=member.enterprise_id)
            .values_list("ownership", flat=True)
            .first()
        )
    return facts(span, gender=member.gender, ownership=ownership)


def snapshot(member_ids: Iterable[int]) -> list[SpanFacts]:
    """The facts of every span of these people as the database has them now."""
    from congdoan.members.models import Membership

    out: list[SpanFacts] = []
    iterator = iter(sorted(set(member_ids)))
    while chunk := list(islice(iterator, _IN_CHUNK)):
        rows = Membership.objects.filter(member_id__in=chunk).values_list(
            "member_id",
            "unit_id",
            "start",
            "end",
            "start_reason",
            "end_reason",
            "status",
            "member__gender",
            "member__enterprise__ownership",
        )
        out += [
            SpanFacts(m, u, s, e, sr, er or "", st, g == "female", own in NON_STATE_SECTOR)
            for m, u, s, e, sr, er, st, g, own in rows
        ]
    return out


class Tracking:
    """Reports the spans of some people as they were on entering and as they are on leaving.

    For writers that change many spans at once (merging, a person's details): cheaper to
    read the spans twice than to follow each statement.
    """

    def __init__(self, member_ids: Iterable[int]) -> None:
        self.member_ids = list(member_ids)
        self.before: list[SpanFacts] = []

    def __enter__(self) -> "Tracking":
        if listening():
            self.before = snapshot(self.member_ids)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and listening():
            spans_changed(removed=self.before, added=snapshot(self.member_ids))


def employer_sector_changed(*, enterprise, before: str, after: str) -> None:
    """The people employed by `enterprise` change sector with it (enterprises.hooks)."""
    was, now = before in NON_STATE_SECTOR, after in NON_STATE_SECTOR
    if was == now or not listening():
        return
    from congdoan.members.models import Member

    people = Member.objects.filter(enterprise=enterprise).values_list("pk", flat=True)
    current = snapshot(people)
    spans_changed(removed=[replace(f, non_state=was) for f in current], added=current)
