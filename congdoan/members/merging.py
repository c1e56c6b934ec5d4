"""Resolving a possible duplicate: two people after all, or one record merged into the other.

A merge moves the dropped record's memberships to the kept one (they must not overlap) and
fills the kept record's empty details; nothing is deleted, the dropped record points to the
kept one. See members.duplicates for how pairs are found.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.core.text import nfc
from congdoan.members import errors, rules, services, span_hooks
from congdoan.members.duplicates import _ordered, name_score
from congdoan.members.models import DuplicatePair, Member, Membership, TransferRequest

Status = DuplicatePair.Status
EMPTY = (None, "")

PAIR_FIELDS = ("first_id", "second_id", "score", "status", "resolved_by_id", "resolved_at")


def _locked_open(pair: DuplicatePair) -> DuplicatePair:
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != Status.OPEN:
        rules.fail(errors.PAIR_RESOLVED, "pair_resolved", status=pair.get_status_display())
    return pair


def _close(*, actor, pair: DuplicatePair, status: str, reason: str, operation: str) -> None:
    before = audit.snapshot(pair, PAIR_FIELDS)
    pair.status, pair.resolved_at = status, timezone.now()
    pair.resolved_by = audit.user_or_none(actor)
    pair.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit.record(
        actor=actor,
        obj=pair,
        action=audit.AuditEntry.Action.UPDATE,
        before=before,
        after=audit.snapshot(pair, PAIR_FIELDS),
        operation=operation,
        reason=reason,
    )


@transaction.atomic
def mark_distinct(*, actor, pair: DuplicatePair, reason: str = "") -> DuplicatePair:
    """The two records are two people: the pair is closed and never flagged again."""
    pair = _locked_open(pair)
    _close(actor=actor, pair=pair, status=Status.DISTINCT, reason=nfc(reason), operation="distinct")
    return pair


@transaction.atomic
def record_distinct(
    *, actor, member: Member, others: Iterable[Member], reason: str = ""
) -> list[DuplicatePair]:
    """`member` is none of `others` (the clerk said so on registering): stored as resolved."""
    pairs = []
    for other in others:
        first, second = _ordered(member.pk, other.pk)
        pair = DuplicatePair.objects.select_for_update().filter(first=first, second=second)
        pair = pair.first()
        if pair is None:
            pair = DuplicatePair.objects.create(
                first_id=first,
                second_id=second,
                score=name_score(member.full_name, other.full_name),
                status=Status.DISTINCT,
                resolved_by=audit.user_or_none(actor),
                resolved_at=timezone.now(),
            )
            audit.record(
                actor=actor,
                obj=pair,
                action=audit.AuditEntry.Action.CREATE,
                after=audit.snapshot(pair, PAIR_FIELDS),
                operation="distinct",
                reason=nfc(reason),
            )
        elif pair.status == Status.OPEN:
            _close(
                actor=actor,
                pair=pair,
                status=Status.DISTINCT,
                reason=nfc(reason),
                operation="distinct",
            )
        pairs.append(pair)
    return pairs


@dataclass
class MergePlan:
    """What merging `drop` into `keep` does, before it is done (the review page shows it)."""

    keep: Member
    drop: Member
    #: The kept record's empty details, filled from the other record.
    taken: dict[str, object] = field(default_factory=dict)
    #: The other record's details that differ from the kept ones: left out (and audited).
    not_taken: dict[str, object] = field(default_factory=dict)
    #: Both histories oldest first, with the reasons they will have (not saved).
    timeline: list[Membership] = field(default_factory=list)
    #: Spans whose admission becomes a re-admission: the person was admitted once.
    readmitted: list[int] = field(default_factory=list)
    #: Pairs of spans, one of each record, that overlap: the merge is refused.
    overlaps: list[tuple[Membership, Membership]] = field(default_factory=list)

    def result(self, name: str):
        return self.taken.get(name, getattr(self.keep, name))


def plan_merge(keep: Member, drop: Member) -> MergePlan:
    """The details and the timeline the person will have if `drop` is merged into `keep`."""
    plan = MergePlan(keep=keep, drop=drop)
    for name in services.PERSON_FIELDS:
        mine, theirs = getattr(keep, name), getattr(drop, name)
        if theirs in EMPTY or theirs == mine:
            continue
        if name == "birth_date":
            fills = mine is None and theirs.year == keep.birth_year
        elif name == "joined_on":
            # Joined the union: the earlier of the two, as the person's history now shows.
            fills = mine is None or theirs < mine
        else:
            fills = mine in EMPTY
        (plan.taken if fills else plan.not_taken)[name] = theirs
    spans = list(
        Membership.objects.filter(member__in=[keep.pk, drop.pk])
        .select_related("unit")
        .order_by("start", "pk")
    )
    kept = [span for span in spans if span.member_id == keep.pk]
    moved = [span for span in spans if span.member_id == drop.pk]
    plan.overlaps = [(a, b) for a in kept for b in moved if _overlap(a, b)]
    for span in spans[1:]:
        if span.start_reason == Membership.StartReason.ADMITTED:
            span.start_reason = Membership.StartReason.READMITTED
            plan.readmitted.append(span.pk)
    plan.timeline = spans
    return plan


def _overlap(a: Membership, b: Membership) -> bool:
    return a.start < (b.end or dt.date.max) and b.start < (a.end or dt.date.max)


def _period(span: Membership) -> str:
    end = format_date(span.end) if span.end else "…"
    return f"{span.unit.name} {format_date(span.start)} – {end}"


@transaction.atomic
def merge(*, actor, pair_or_members, keep, reason: str) -> Member:
    """One person recorded twice: `keep` takes the other record's memberships and fills its
    empty details from it; the other record stays, pointing to `keep`. Returns `keep`.

    `pair_or_members` is a DuplicatePair or two Members; `keep` is one of the two (or its pk).
    """
    if isinstance(pair_or_members, DuplicatePair):
        pair = pair_or_members
        pks = (pair.first_id, pair.second_id)
    else:
        pair = None
        pks = tuple(member.pk for member in pair_or_members)
    keep_pk = getattr(keep, "pk", keep)
    if len(pks) != 2 or pks[0] == pks[1] or keep_pk not in pks:
        rules.fail(errors.MERGE_KEEP_INVALID, "merge_keep_invalid")
    # Both people locked, in key order so that two merges cannot wait on each other.
    locked = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    keep = locked[keep_pk]
    drop = locked[pks[0] if pks[1] == keep_pk else pks[1]]
    if pair is None:
        first, second = _ordered(keep.pk, drop.pk)
        pair = DuplicatePair.objects.filter(first=first, second=second).first()
        if pair is not None and pair.status == Status.OPEN:
            pair = _locked_open(pair)
        else:
            pair = None
    else:
        pair = _locked_open(pair)
    for member in (keep, drop):
        if member.merged_into_id is not None:
            rules.fail(errors.ALREADY_MERGED, "already_merged", member=member)
    if keep.national_id and drop.national_id:
        rules.fail(errors.MERGE_TWO_NATIONAL_IDS, "merge_two_national_ids")
    reason = nfc(reason)
    if not reason:
        rules.fail(errors.MERGE_REASON_REQUIRED, "merge_reason_required")
    spans_before = {
        span.pk: services.span_state(span)
        for span in Membership.objects.filter(member__in=[keep.pk, drop.pk])
    }
    plan = plan_merge(keep, drop)
    if plan.overlaps:
        rules.fail(
            errors.MERGE_OVERLAP,
            "merge_overlap",
            periods="; ".join(f"{_period(a)} ↔ {_period(b)}" for a, b in plan.overlaps),
        )

    drop_fields = (*services.PERSON_FIELDS, "merged_into_id")
    keep_before = audit.snapshot(keep, services.PERSON_FIELDS)
    drop_before = audit.snapshot(drop, drop_fields)
    # The numbers that must stay unique leave the merged-away record before the kept takes them.
    moved_unique = [name for name in ("national_id", "card_number") if name in plan.taken]
    for name in moved_unique:
        setattr(drop, name, None)
    drop.merged_into = keep
    drop.save(update_fields=[*moved_unique, "merged_into", "updated_at"])
    for name, value in plan.taken.items():
        setattr(keep, name, value)
    services.clean_person(keep)
    services.check_unique(keep)
    keep.save()

    moved = {span.pk for span in plan.timeline if span.member_id == drop.pk}
    with span_hooks.Tracking([keep.pk, drop.pk]):
        Membership.objects.filter(member=drop).update(member=keep)
        Membership.objects.filter(pk__in=plan.readmitted).update(
            start_reason=Membership.StartReason.READMITTED
        )
    _move_transfer_requests(drop, keep)

    audit.record(
        actor=actor,
        obj=keep,
        action=audit.AuditEntry.Action.UPDATE,
        before=keep_before,
        after=audit.snapshot(keep, services.PERSON_FIELDS),
        operation="merge",
        reason=reason,
    )
    for span in plan.timeline:
        if span.pk in moved or span.pk in plan.readmitted:
            audit.record(
                actor=actor,
                obj=keep,
                action=audit.AuditEntry.Action.UPDATE,
                before=None if span.pk in moved else spans_before[span.pk],
                after=services.span_state(span),
                operation="merge",
                reason=reason,
            )
    # The merged-away record's entry keeps every detail it had, those not taken included.
    audit.record(
        actor=actor,
        obj=drop,
        action=audit.AuditEntry.Action.UPDATE,
        before=drop_before,
        after=audit.snapshot(drop, drop_fields),
        operation="merge",
        reason=reason,
    )
    if pair is not None:
        _close(actor=actor, pair=pair, status=Status.MERGED, reason=reason, operation="merge")
    _repoint_pairs(actor=actor, drop=drop, keep=keep, reason=reason)
    return keep


def _move_transfer_requests(drop: Member, keep: Member) -> None:
    requests = TransferRequest.objects.filter(member=drop)
    if TransferRequest.objects.filter(member=keep, status="pending").exists():
        # One pending request per person: the other one stays (stale: its span moved).
        requests = requests.exclude(status="pending")
    requests.update(member=keep)


def _repoint_pairs(*, actor, drop: Member, keep: Member, reason: str) -> None:
    """The merged-away record's other open questions become the kept record's.

    A pair (drop, X) becomes (keep, X); if (keep, X) is already known, or both now have a
    national ID, it is closed instead: as different people when that is known (or the two
    numbers say so), else as merged (its question lives on in the pair (keep, X)).
    """
    others = DuplicatePair.objects.select_for_update().filter(
        Q(first=drop) | Q(second=drop), status=Status.OPEN
    )
    for pair in others:
        other = Member.objects.get(pk=pair.second_id if pair.first_id == drop.pk else pair.first_id)
        first, second = _ordered(keep.pk, other.pk)
        known = DuplicatePair.objects.filter(first=first, second=second).first()
        if other.pk == keep.pk or other.merged_into_id is not None:
            _close(actor=actor, pair=pair, status=Status.MERGED, reason=reason, operation="merge")
        elif (keep.national_id and other.national_id) or (
            known is not None and known.status == Status.DISTINCT
        ):
            _close(actor=actor, pair=pair, status=Status.DISTINCT, reason=reason, operation="merge")
        elif known is not None:
            _close(actor=actor, pair=pair, status=Status.MERGED, reason=reason, operation="merge")
        else:
            before = audit.snapshot(pair, PAIR_FIELDS)
            pair.first_id, pair.second_id = first, second
            pair.score = name_score(keep.full_name, other.full_name)
            pair.save(update_fields=["first", "second", "score"])
            audit.record(
                actor=actor,
                obj=pair,
                action=audit.AuditEntry.Action.UPDATE,
                before=before,
                after=audit.snapshot(pair, PAIR_FIELDS),
                operation="merge",
                reason=reason,
            )
