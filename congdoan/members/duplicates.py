"""Possible duplicate people: found, confirmed as different, or merged into one record.

Two records may be one person when no national ID tells them apart (at least one of them has
none) and they have a very similar name, the same birth (the date; the year where one side
knows only the year) and the same province. A clerk says they are different people, or
merges them: the kept record takes the other's memberships (which must not overlap) and fills
its empty details from it. Nothing is deleted: the merged-away record points to the kept one.

Names are compared by their search keys (accent- and case-free) with the optimal string
alignment distance (rapidfuzz's OSA), both as written and with the words sorted: one edit
(a letter wrong, missing, extra, or two letters swapped) costs the same anywhere in the name,
over the longer name's length. Indel-based scores (fuzz.ratio, token_sort_ratio) count a
wrong letter twice but over both lengths, so they rate different short given names, which is
what tells most Vietnamese namesakes apart ("Nguyễn Văn An" / "Nguyễn Văn Ba": 92), above a
single typo in a longer word; OSA gives them 85 and the typo 92.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from rapidfuzz import process
from rapidfuzz.distance import OSA

from congdoan.accounts.models import Role
from congdoan.accounts.scope import ENTER_DATA_ROLES, MANAGE_ROLES, Scope
from congdoan.core.text import search_key
from congdoan.members import selectors
from congdoan.members.models import DuplicatePair, Member, Membership
from congdoan.org.kinds import UnitKind
from congdoan.org.models import Unit, path_ids

Status = DuplicatePair.Status
# Units queried at once when loading a province's people (keeps under SQLite's parameter cap).
_CHUNK = 2000


# --- names ---------------------------------------------------------------------------------


def name_keys(key: str) -> tuple[str, str]:
    """A search key as written and with its words sorted (word order ignored)."""
    return key, " ".join(sorted(key.split()))


def name_score(first: str, second: str) -> int:
    """How alike two names are, 0–100: accents, case, spacing and word order ignored."""
    (a1, a2), (b1, b2) = name_keys(search_key(first)), name_keys(search_key(second))
    best = max(OSA.normalized_similarity(a1, b1), OSA.normalized_similarity(a2, b2))
    return _percent(best)


def _percent(similarity: float) -> int:
    return int(round(similarity * 100))


def _cutoff() -> float:
    return settings.MEMBERS_DUPLICATE_NAME_SCORE / 100


def _similar(keys: tuple[str, str], written: list[str], ordered: list[str], cutoff: float):
    """{index in the lists: similarity} of the choices at least `cutoff` alike to `keys`."""
    found: dict[int, float] = {}
    for query, choices in ((keys[0], written), (keys[1], ordered)):
        for _choice, score, index in process.extract(
            query, choices, scorer=OSA.normalized_similarity, score_cutoff=cutoff, limit=None
        ):
            if score > found.get(index, 0):
                found[index] = score
    return found


# --- provinces -----------------------------------------------------------------------------


def _province_id(path: str, provinces: set[int]) -> int | None:
    """The nearest province federation on `path` (the unit itself included), else its top."""
    ids = path_ids(path)
    for pk in reversed(ids):
        if pk in provinces:
            return pk
    return ids[0] if ids else None


def _provinces_on(paths: Iterable[str]) -> set[int]:
    ids = {pk for path in paths for pk in path_ids(path)}
    return set(Unit.objects.filter(pk__in=ids, kind=UnitKind.PROVINCE).values_list("pk", flat=True))


def province_of(unit: Unit) -> Unit:
    """The province federation over `unit` in today's structure, else the top of its tree.

    One query: the ancestors are the ids of the unit's path.
    """
    ancestors = Unit.objects.in_bulk(path_ids(unit.path))
    provinces = {pk for pk, node in ancestors.items() if node.kind == UnitKind.PROVINCE}
    return ancestors.get(_province_id(unit.path, provinces), unit)


def _last_span(member_ref: str = "pk") -> QuerySet[Membership]:
    # The open span if any, else the last one: spans never overlap, so it is the latest.
    return Membership.objects.filter(member=OuterRef(member_ref)).order_by("-start", "-pk")


# --- finding -------------------------------------------------------------------------------


def _same_birth(birth_date: dt.date | None, birth_year: int | None) -> Q:
    if birth_date is not None:
        return Q(birth_date=birth_date) | Q(birth_date__isnull=True, birth_year=birth_date.year)
    return Q(birth_year=birth_year)


def candidates(
    *,
    full_name: str,
    birth_date: dt.date | None,
    birth_year: int | None,
    unit: Unit | None,
    exclude_pk: int | None = None,
    national_id: str | None = None,
) -> list[tuple[Member, int]]:
    """People who may be the person described, with their name score, best first.

    Same birth date (or year, when either side knows only the year), a name at least
    MEMBERS_DUPLICATE_NAME_SCORE alike, standing in the province of `unit`; records merged
    away are left out, and so are people with a national ID when `national_id` is given.
    """
    if unit is None or (birth_date is None and not birth_year):
        return []
    province = province_of(unit)
    # Records merged away have no spans left, so the span in the province leaves them out
    # (a filter on merged_into would lead SQLite to that index instead of the birth's).
    people = (
        Member.objects.filter(_same_birth(birth_date, birth_year))
        # Any span in the province narrows the rows; the standing one decides below.
        .filter(
            Exists(
                Membership.objects.filter(
                    member=OuterRef("pk"), unit__path__startswith=province.path
                )
            )
        )
        .annotate(standing_path=Subquery(_last_span().values("unit__path")[:1]))
    )
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    if national_id:
        people = people.filter(national_id__isnull=True)
    rows = list(people.values_list("pk", "search_key", "standing_path"))
    provinces = _provinces_on(path for _pk, _key, path in rows)
    rows = [row for row in rows if _province_id(row[2], provinces) == province.pk]
    found = _similar(
        name_keys(search_key(full_name)),
        [key for _pk, key, _path in rows],
        [name_keys(key)[1] for _pk, key, _path in rows],
        _cutoff(),
    )
    members = Member.objects.in_bulk([rows[index][0] for index in found])
    scored = [(members[rows[index][0]], _percent(score)) for index, score in found.items()]
    return sorted(scored, key=lambda item: (-item[1], item[0].pk))


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _pair_filter(keys: Iterable[tuple[int, int]]) -> Q:
    query = Q(pk__in=[])
    for first, second in keys:
        query |= Q(first_id=first, second_id=second)
    return query


@transaction.atomic
def flag_duplicates(member: Member) -> list[DuplicatePair]:
    """Record the possible duplicates of `member` for review; pairs already known are skipped."""
    member = Member.objects.get(pk=member.pk)
    span = selectors.standing_span(member)
    if member.merged_into_id is not None or span is None:
        return []
    found = candidates(
        full_name=member.full_name,
        birth_date=member.birth_date,
        birth_year=member.birth_year,
        unit=span.unit,
        exclude_pk=member.pk,
        national_id=member.national_id,
    )
    wanted = {_ordered(member.pk, other.pk): score for other, score in found}
    known = set(
        DuplicatePair.objects.filter(_pair_filter(wanted)).values_list("first_id", "second_id")
    )
    new = {key: score for key, score in wanted.items() if key not in known}
    _create(new)
    return list(DuplicatePair.objects.filter(_pair_filter(new), status=Status.OPEN))


def _create(pairs: dict[tuple[int, int], int]) -> int:
    DuplicatePair.objects.bulk_create(
        [DuplicatePair(first_id=a, second_id=b, score=s) for (a, b), s in pairs.items()],
        batch_size=500,
        # Another scan may have stored the same pair meanwhile.
        ignore_conflicts=True,
    )
    return len(pairs)


@dataclass(frozen=True, slots=True)
class _Person:
    pk: int
    written: str
    ordered: str
    birth_date: dt.date | None
    birth_year: int
    has_id: bool
    path: str


def scan(*, unit: Unit | None = None) -> int:
    """Flag the possible duplicates of everyone, or of the people of `unit`'s subtree (each
    compared with their whole province). Returns how many new pairs were stored.

    Province by province: the people standing there are read once, grouped by birth date
    and year, and each group's names are scored together.
    """
    units = list(Unit.objects.values_list("pk", "path", "kind"))
    provinces = {pk for pk, _path, kind in units if kind == UnitKind.PROVINCE}
    groups: dict[int, list[int]] = defaultdict(list)
    wanted_groups: set[int] = set()
    for pk, path, _kind in units:
        key = _province_id(path, provinces)
        groups[key].append(pk)
        if unit is None or path.startswith(unit.path):
            wanted_groups.add(key)
    known = set(DuplicatePair.objects.values_list("first_id", "second_id"))
    created = 0
    for key in sorted(wanted_groups):
        people = list(_people(groups[key]))
        subjects = people
        if unit is not None:
            subjects = [person for person in people if person.path.startswith(unit.path)]
        found = {
            pair: score
            for pair, score in _pairs(subjects, people, everyone=len(subjects) == len(people))
            if pair not in known
        }
        with transaction.atomic():
            created += _create(found)
        known |= found.keys()
    return created


def _people(unit_ids: list[int]) -> Iterator[_Person]:
    """The people whose standing span (open, else last) is in one of the units."""
    later = Membership.objects.filter(member=OuterRef("member"), start__gt=OuterRef("start"))
    for at in range(0, len(unit_ids), _CHUNK):
        rows = (
            # Records merged away have no spans left: no need to ask.
            Membership.objects.filter(unit_id__in=unit_ids[at : at + _CHUNK])
            .filter(~Exists(later))
            .values_list(
                "member_id",
                "unit__path",
                "member__search_key",
                "member__birth_date",
                "member__birth_year",
                "member__national_id",
            )
        )
        for pk, path, key, born, year, national_id in rows.iterator(chunk_size=5000):
            yield _Person(pk, *name_keys(key), born, year, national_id is not None, path)


class _Pool:
    """People born the same day (or year), by the length of their name key.

    A similarity of at least c allows a length difference of at most (1 - c) / c of the
    shorter key, so a name is scored only against the few lengths near its own.
    """

    def __init__(self, people: Iterable[_Person]):
        self.buckets: dict[int, tuple[list[_Person], list[str], list[str]]] = {}
        for person in people:
            bucket = self.buckets.setdefault(len(person.written), ([], [], []))
            bucket[0].append(person)
            bucket[1].append(person.written)
            bucket[2].append(person.ordered)

    def similar(self, person: _Person, cutoff: float) -> Iterator[tuple[_Person, float]]:
        length = len(person.written)
        spread = int((1 - cutoff) / max(cutoff, 0.01) * length + 1e-9)
        for other_length in range(length - spread, length + spread + 1):
            if (bucket := self.buckets.get(other_length)) is None:
                continue
            people, written, ordered = bucket
            keys = (person.written, person.ordered)
            for index, score in _similar(keys, written, ordered, cutoff).items():
                yield people[index], score


def _pairs(subjects: list[_Person], people: list[_Person], *, everyone: bool):
    """((first pk, second pk), score) of subjects and people who may be one person."""
    groups: dict[tuple, list[_Person]] = defaultdict(list)
    for person in people:
        by_birth = [("year", person.birth_year)]
        by_birth.append(
            ("date", person.birth_date) if person.birth_date else ("undated", person.birth_year)
        )
        for key in by_birth:
            groups[key].append(person)
            if person.has_id:
                continue
            # Someone with a national ID is compared only with those without one.
            groups[(*key, "no id")].append(person)
    pools: dict[tuple, _Pool] = {}
    cutoff = _cutoff()
    seen: set[tuple[int, int]] = set()
    for subject in subjects:
        if subject.birth_date is None:
            keys = [("year", subject.birth_year)]
        else:
            keys = [("date", subject.birth_date)]
            # With everyone scanned, the undated find the dated from their side.
            if not everyone:
                keys.append(("undated", subject.birth_year))
        if subject.has_id:
            keys = [(*key, "no id") for key in keys]
        for key in keys:
            group = groups.get(key)
            if not group or (len(group) == 1 and group[0] is subject):
                continue
            if key not in pools:
                pools[key] = _Pool(group)
            for other, score in pools[key].similar(subject, cutoff):
                pair = _ordered(subject.pk, other.pk)
                if other.pk == subject.pk or pair in seen:
                    continue
                seen.add(pair)
                yield pair, _percent(score)


# --- review --------------------------------------------------------------------------------


def may_review(scope: Scope) -> bool:
    """Those who keep member records review possible duplicates; viewers and approvers not."""
    return scope.is_everything or (scope.unit is not None and scope.role in ENTER_DATA_ROLES)


def reviewable_pairs(scope: Scope) -> QuerySet[DuplicatePair]:
    """Open pairs whose two people both stand in units this scope keeps records of.

    Mirrors Scope.can_enter_data: a clerk's own union, a manager's subtree, everything.
    """
    pairs = DuplicatePair.objects.filter(
        status=Status.OPEN, first__merged_into__isnull=True, second__merged_into__isnull=True
    ).order_by("pk")
    if scope.is_everything:
        return pairs
    if not may_review(scope):
        return pairs.none()
    if scope.role == Role.CLERK:
        units = [scope.unit.pk]
    elif scope.role in MANAGE_ROLES:
        units = scope.units().values("pk")
    else:
        return pairs.none()
    return pairs.annotate(
        first_unit=Subquery(_last_span("first").values("unit_id")[:1]),
        second_unit=Subquery(_last_span("second").values("unit_id")[:1]),
    ).filter(first_unit__in=units, second_unit__in=units)


def open_count(*, unit: Unit | None = None) -> int:
    """Open pairs; with `unit`, those with a person standing in its subtree (today's tree)."""
    pairs = DuplicatePair.objects.filter(status=Status.OPEN)
    if unit is None:
        return pairs.count()
    inside = Unit.objects.filter(path__startswith=unit.path).values("pk")
    return (
        pairs.annotate(
            first_unit=Subquery(_last_span("first").values("unit_id")[:1]),
            second_unit=Subquery(_last_span("second").values("unit_id")[:1]),
        )
        .filter(Q(first_unit__in=inside) | Q(second_unit__in=inside))
        .count()
    )


def timelines(members: Iterable[Member]) -> dict[int, list[Membership]]:
    """Each person's memberships, oldest first, with their units, in one query."""
    found: dict[int, list[Membership]] = {member.pk: [] for member in members}
    spans = Membership.objects.filter(member__in=list(found)).select_related("unit")
    for span in spans.order_by("member_id", "start", "pk"):
        found[span.member_id].append(span)
    return found


def kept_record(pk: int) -> Member | None:
    """The record that a merged-away record `pk` now lives on (merges followed), or None."""
    target = Member.objects.filter(pk=pk).values_list("merged_into", flat=True).first()
    seen: set[int] = set()
    kept = None
    while target is not None and target not in seen:
        seen.add(target)
        kept = Member.objects.get(pk=target)
        target = kept.merged_into_id
    return kept
