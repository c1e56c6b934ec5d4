"""Loading many member histories at once: the demo's path now, the roster import's later.

The per-row services lock the person, query and audit each change: right for a clerk, far
too slow for a roster of 100,000 rows. This path keeps the same invariants, with the same
error codes, by running members.rules' checks in memory: people are cleaned as
register_member cleans them, each unit's versions are read once, national IDs and card
numbers are checked against the database once per batch. Then it writes each table in
one statement run for many rows on SQLite and by COPY on PostgreSQL (core.bulk_insert), and
gives the span hooks the new spans' facts from memory, not read back.

- All or nothing: every person is checked, the first problem of each is collected (index,
  code, message) and, if there is any, BulkLoadError lists them all and nothing is written
  (the call's one transaction rolls back).
- Only new people: each PersonHistory becomes a new Member with its spans.
- Spans are given whole, oldest first or not: a transfer, suspension, resumption or
  reorganisation is a span ending with that reason and the next one beginning the same day
  for the same reason, as the services leave them. A suspension is checked where the
  services check it: when it is resumed.
- Audit: one AuditEntry per batch (operation "bulk_load", recorded against the batch's first
  member, with the batch's counts and first and last member ids), not one per person and
  span. The rows come from one file or generator and one actor; a row-by-row trail would
  double what is written and tell nothing more than "this batch created them". Later
  changes go through the services and are audited row by row.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from congdoan.core import audit
from congdoan.core.bulk_insert import insert_rows
from congdoan.core.dates import format_date
from congdoan.core.text import nfc
from congdoan.enterprises.models import Enterprise
from congdoan.members import errors, rules, services, span_hooks
from congdoan.members.models import Member, Membership
from congdoan.org.models import Unit, UnitVersion

PERSON_PROBLEM = _("Person %(number)s (%(name)s): %(message)s")
NATIONAL_ID_TWICE = _("National ID %(national_id)s is also given for person %(other)s.")
CARD_TWICE = _("Union card number %(card)s is also given for person %(other)s.")
SPAN_NOT_CONTINUED = _(
    "The membership that ends on %(date)s (%(reason)s) must be followed by one that begins "
    "that day for the same reason."
)
SPAN_INVALID = _("The membership from %(start)s has a status or reason that does not fit.")
NOT_REORGANISED = _("%(unit)s did not pass its members to %(successor)s on %(date)s.")

Start, End, Status = Membership.StartReason, Membership.EndReason, Membership.Status
#: Reasons that end one span and begin the next on the same day (same value on both sides).
CONTINUING = frozenset({Start.TRANSFERRED, Start.SUSPENDED, Start.RESUMED, Start.REORGANISED})
#: The status a span must have given how it began (transfers and reorganisations keep it).
_STATUS_AFTER = {
    Start.ADMITTED: Status.ACTIVE,
    Start.READMITTED: Status.ACTIVE,
    Start.SUSPENDED: Status.SUSPENDED,
    Start.RESUMED: Status.ACTIVE,
}
_END_REASONS = frozenset(End.values)
_IN_CHUNK = 2000  # ids per IN (...) query, well inside every database's limit
_d = format_date


@dataclass(slots=True)
class PersonHistory:
    """One person to create: `person` holds register_member's fields; `spans` are dicts with
    unit (a Unit or its id), status, start, end, start_reason, end_reason and an optional note.

    `member`, if given, is an unsaved Member its caller has already passed through
    services.clean_person (the roster import checks every row so): it is used instead of
    building and cleaning another one from `person`, which may then be left empty.
    """

    person: dict[str, Any]
    spans: list[dict[str, Any]] = field(default_factory=list)
    member: Member | None = None


@dataclass(frozen=True)
class Problem:
    index: int  # position in the `people` given, from 0
    code: str
    message: str


@dataclass(frozen=True)
class BulkResult:
    members: int
    spans: int
    batches: int
    member_ids: list[int]  # in the order of `people`


class BulkLoadError(ValidationError):
    """The people that break a rule; nothing was written."""

    def __init__(self, problems: list[Problem], names: dict[int, str]) -> None:
        self.problems = problems
        super().__init__(
            [
                ValidationError(
                    PERSON_PROBLEM,
                    code=p.code,
                    params={"number": p.index + 1, "name": names[p.index], "message": p.message},
                )
                for p in problems
            ]
        )


@dataclass(slots=True)
class _Span:
    """A membership being checked: Membership's fields, without a model instance's cost."""

    member: Member
    unit_id: Any
    status: str
    start: dt.date
    end: dt.date | None
    start_reason: str
    end_reason: str
    note: str
    member_id: int | None = None


class _Version(NamedTuple):
    valid_from: dt.date
    valid_to: dt.date | None
    kind: str


@dataclass(slots=True)
class _Unit:
    label: str  # as str(unit) reads, for messages
    successor_id: int | None
    versions: list[_Version] = field(default_factory=list)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load_member_histories(
    *,
    actor,
    people: Iterable[PersonHistory],
    batch_size: int = 5000,
    reason: str = "",
    registry_checked: bool = False,
) -> BulkResult:
    """Create many people with their membership spans, checked as the services check them.

    registry_checked: the caller has looked every national ID and card number up in the
    registry, in this transaction, and none is there (an import matching its rows): they are
    not read again. The unique constraints still stand behind it."""
    loader = _Loader(registry_checked=registry_checked)
    with transaction.atomic():
        for batch in _chunks(people, batch_size):
            loader.load_batch(batch, actor=actor, reason=nfc(reason))
        if loader.problems:
            raise BulkLoadError(loader.problems, loader.names)
    return BulkResult(len(loader.member_ids), loader.spans, loader.batches, loader.member_ids)


class _Loader:
    def __init__(self, *, registry_checked: bool = False) -> None:
        self.registry_checked = registry_checked
        self.units: dict[int, _Unit] = {}
        self.national_ids: dict[str, int] = {}  # → index of the person that gave it
        self.cards: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.names: dict[int, str] = {}
        self.member_ids: list[int] = []
        self.index = self.spans = self.batches = 0

    def load_batch(self, batch: list[PersonHistory], *, actor, reason: str) -> None:
        self.read_units({_unit_id(s.get("unit")) for person in batch for s in person.spans})
        checked: list[tuple[int, Member, list[_Span]]] = []
        for history in batch:
            index, self.index = self.index, self.index + 1
            try:
                checked.append((index, *self.check_person(index, history)))
            except ValidationError as error:
                given = history.member
                name = given.full_name if given is not None else history.person.get("full_name")
                self.fail(index, name, error)
        if not self.registry_checked:
            checked = self.check_database(checked)
        if self.problems or not checked:
            return  # keep checking the rest, but write nothing
        members = [member for _index, member, _spans in checked]
        spans = [span for _index, _member, member_spans in checked for span in member_spans]
        insert_rows(Member, members, returning=True)
        for span in spans:
            span.member_id = span.member.pk
        insert_rows(Membership, spans)
        if span_hooks.listening():
            span_hooks.spans_changed(added=_facts(members, spans))
        audit.record(
            actor=actor,
            obj=members[0],
            action=audit.AuditEntry.Action.CREATE,
            operation="bulk_load",
            after={
                "members": len(members),
                "spans": len(spans),
                "first_member_id": members[0].pk,
                "last_member_id": members[-1].pk,
            },
            reason=reason,
        )
        self.member_ids += [member.pk for member in members]
        self.spans += len(spans)
        self.batches += 1

    def fail(self, index: int, name, error: ValidationError) -> None:
        first = error.error_list[0]
        self.problems.append(Problem(index, first.code or "invalid", error.messages[0]))
        self.names[index] = nfc(name) or "—"

    def read_units(self, ids: set) -> None:
        wanted = sorted(i for i in ids if isinstance(i, int) and i not in self.units)
        for chunk in _chunks(wanted, _IN_CHUNK):
            units = Unit.objects.filter(pk__in=chunk)
            for pk, code, name, successor in units.values_list("pk", "code", "name", "successor"):
                self.units[pk] = _Unit(f"{name} ({code})", successor)
            versions = (
                UnitVersion.objects.filter(unit_id__in=chunk)
                .order_by("unit_id", "valid_from")
                .values_list("unit_id", "valid_from", "valid_to", "kind")
            )
            for unit_id, valid_from, valid_to, kind in versions:
                self.units[unit_id].versions.append(_Version(valid_from, valid_to, kind))

    # --- one person, in memory -----------------------------------------------------------

    def check_person(self, index: int, history: PersonHistory) -> tuple[Member, list[_Span]]:
        member = history.member
        if member is None:
            # The same cleaning (and messages) as register_member.
            fields = {k: v for k, v in history.person.items() if k in services.PERSON_FIELDS}
            member = Member(**fields)
            services.clean_person(member)
        if member.national_id and (other := self.national_ids.get(member.national_id)) is not None:
            rules.fail(
                NATIONAL_ID_TWICE,
                "national_id_taken",
                national_id=member.national_id,
                other=other + 1,
            )
        if member.card_number and (other := self.cards.get(member.card_number)) is not None:
            rules.fail(CARD_TWICE, "card_taken", card=member.card_number, other=other + 1)
        spans = self.check_spans(member, history.spans)
        if member.joined_on is None and spans and spans[0].start_reason == Start.ADMITTED:
            member.joined_on = spans[0].start  # as admit_member records it
        if member.national_id:
            self.national_ids[member.national_id] = index
        if member.card_number:
            self.cards[member.card_number] = index
        return member, spans

    def check_spans(self, member: Member, given: list[dict]) -> list[_Span]:
        if any(s.get("start") is None for s in given):
            rules.fail(errors.DATE_REQUIRED, "date_required")
        spans: list[_Span] = []
        previous: _Span | None = None
        for raw in sorted(given, key=_start) if len(given) > 1 else given:
            span = _Span(
                member,
                _unit_id(raw.get("unit")),
                _text(raw.get("status")),
                raw["start"],
                raw.get("end"),
                _text(raw.get("start_reason")),
                _text(raw.get("end_reason")),
                nfc(raw.get("note"))[:500],
            )
            self.check_span(member, previous, span)
            spans.append(previous := span)
        if previous is not None and previous.end is not None and previous.end_reason in CONTINUING:
            _not_continued(previous)
        return spans

    def check_span(self, member: Member, previous: _Span | None, span: _Span) -> None:
        """The checks the service that opens and closes this span would make, in their order."""
        start, how = rules.check_date(member, span.start), span.start_reason
        if previous is None:
            if how == Start.READMITTED:
                rules.fail(errors.NEVER_LEFT, "never_left", member=member)
            if how != Start.ADMITTED:
                rules.fail(errors.NOT_A_MEMBER, "not_a_member", member=member, date=_d(start))
            rules.check_may_join(member, start)
        elif previous.end is None:
            if how in (Start.ADMITTED, Start.READMITTED):
                rules.fail(
                    errors.ALREADY_MEMBER,
                    "already_member",
                    member=member,
                    unit=self.label(previous.unit_id),
                    start=_d(previous.start),
                )
            rules.fail(errors.OVERLAP, "overlap", member=member, start=_d(previous.start), end="…")
        elif previous.end_reason in CONTINUING:
            self.check_continued(member, previous, span)
        else:  # the person had left
            if how == Start.ADMITTED:
                rules.fail(errors.WAS_MEMBER, "was_member", member=member)
            if how != Start.READMITTED:
                rules.fail(errors.NOT_A_MEMBER, "not_a_member", member=member, date=_d(start))
            rules.check_readmission_after(member, previous, start)
            if start < previous.end:
                rules.fail(
                    errors.OVERLAP,
                    "overlap",
                    member=member,
                    start=_d(previous.start),
                    end=_d(previous.end),
                )
            rules.check_may_join(member, start)
        keeps = how in (Start.TRANSFERRED, Start.REORGANISED) and previous is not None
        wanted = previous.status if keeps else _STATUS_AFTER.get(how)
        if wanted is None or span.status != wanted:
            rules.fail(SPAN_INVALID, "span_invalid", start=_d(start))
        if span.end is not None:
            rules.check_date(member, span.end)
            if span.end <= start:
                rules.fail(
                    errors.DATE_BEFORE_SPAN, "date_before_span", date=_d(span.end), start=_d(start)
                )
            if span.end_reason not in _END_REASONS:
                rules.fail(
                    errors.LEAVE_REASON_INVALID, "leave_reason_invalid", reason=span.end_reason
                )
        elif span.end_reason:
            rules.fail(SPAN_INVALID, "span_invalid", start=_d(start))
        unit = self.units.get(span.unit_id)
        if unit is None:
            rules.fail(
                errors.UNIT_NOT_THERE, "unit_not_there", unit=f"#{span.unit_id}", date=_d(start)
            )
        rules.check_unit_versions(unit.label, unit.versions, start, span.end)

    def check_continued(self, member: Member, previous: _Span, span: _Span) -> None:
        """A span begun by a transfer, suspension, resumption or reorganisation."""
        how, on = span.start_reason, span.start
        if how != previous.end_reason or on != previous.end:
            _not_continued(previous)
        same_unit = span.unit_id == previous.unit_id
        if how == Start.TRANSFERRED and same_unit:
            rules.fail(errors.SAME_UNIT, "same_unit", member=member, unit=self.label(span.unit_id))
        if how in (Start.SUSPENDED, Start.RESUMED) and not same_unit:
            rules.fail(SPAN_INVALID, "span_invalid", start=_d(on))
        if how == Start.SUSPENDED and previous.status != Status.ACTIVE:
            rules.fail(errors.NOT_ACTIVE, "not_active", member=member, date=_d(on))
        if how == Start.RESUMED:
            if previous.status != Status.SUSPENDED:
                rules.fail(errors.NOT_SUSPENDED, "not_suspended", member=member, date=_d(on))
            rules.check_suspension_length(member, previous.start, on)  # as resume_member
        if how == Start.REORGANISED:
            # What org.hooks leaves when a union ends with a member-holding successor.
            ended = self.units.get(previous.unit_id)
            if (
                ended is None
                or ended.successor_id != span.unit_id
                or (ended.versions and ended.versions[-1].valid_to != on)
            ):
                rules.fail(
                    NOT_REORGANISED,
                    "not_reorganised",
                    unit=self.label(previous.unit_id),
                    successor=self.label(span.unit_id),
                    date=_d(on),
                )

    def label(self, unit_id) -> str:
        unit = self.units.get(unit_id)
        return unit.label if unit else f"#{unit_id}"

    # --- the batch against the database --------------------------------------------------

    def check_database(self, checked: list) -> list:
        """National IDs and card numbers already registered, with register_member's messages."""
        ids = [m.national_id for _i, m, _s in checked if m.national_id]
        cards = [m.card_number for _i, m, _s in checked if m.card_number]
        taken: set[str] = set()
        for field_name, values in (("national_id", ids), ("card_number", cards)):
            for chunk in _chunks(values, _IN_CHUNK):
                rows = Member.objects.filter(**{f"{field_name}__in": chunk})
                taken |= set(rows.values_list(field_name, flat=True))
        if not taken:
            return checked
        kept = []
        for index, member, spans in checked:
            if member.national_id in taken or member.card_number in taken:
                try:
                    services.check_unique(member)
                except ValidationError as error:
                    self.fail(index, member.full_name, error)
                    continue
            kept.append((index, member, spans))
        return kept


def _start(span: dict) -> dt.date:
    return span["start"]


def _text(value) -> str:
    """A choice as the plain text the database gives back: a TextChoices member hashes
    through Python code, and the span hooks hash these values for every span."""
    return "" if not value else value if value.__class__ is str else str(value)


def _unit_id(unit) -> Any:
    return unit.pk if isinstance(unit, Unit) else unit


def _not_continued(span: _Span) -> None:
    rules.fail(
        SPAN_NOT_CONTINUED,
        "span_not_continued",
        date=_d(span.end),
        reason=End(span.end_reason).label,
    )


def _facts(members: list[Member], spans: list[_Span]) -> list[span_hooks.SpanFacts]:
    """What span_hooks.snapshot would read back of these new spans, from memory: the spans
    as written, the person's gender, and the employer's sector (one query per batch)."""
    employers = {m.enterprise_id for m in members if m.enterprise_id is not None}
    ownership: dict[int, str] = {}
    for chunk in _chunks(sorted(employers), _IN_CHUNK):
        ownership.update(Enterprise.objects.filter(pk__in=chunk).values_list("pk", "ownership"))
    facts = span_hooks.facts
    return [
        facts(span, gender=span.member.gender, ownership=ownership.get(span.member.enterprise_id))
        for span in spans
    ]
