"""Reads of the hierarchy: as of a date (as it was) and restated to today's structure."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from congdoan.core.text import search_key
from congdoan.org.forest import Forest, Node, forest_as_of
from congdoan.org.models import OrgEvent, Unit, UnitVersion

_CHUNK = 2000


def tree_as_of(as_of: dt.date) -> Forest:
    """The whole hierarchy as it stood on `as_of`."""
    return forest_as_of(as_of)


def subtree_as_of(unit: Unit, as_of: dt.date) -> list[Node]:
    """The unit and all units under it on `as_of`, parents first (empty if it did not exist)."""
    forest = forest_as_of(as_of)
    return [forest.nodes[i] for i in forest.subtree_ids(unit.pk)]


def ancestors_as_of(unit: Unit, as_of: dt.date) -> list[Node]:
    """The units above `unit` on `as_of`, nearest first."""
    return forest_as_of(as_of).ancestors(unit.pk)


def lineages_on(pairs: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], frozenset]:
    """For each (unit, day): the unit and every unit above it as the structure stood that
    day. One read per level of the tree, however many days: reading each day's whole tree
    instead costs a read of every unit per day (130,000 units nationally)."""
    lineage = {pair: {pair[0]} for pair in pairs}
    climbing = {pair: pair[0] for pair in lineage}  # the unit whose parent that day is next
    while climbing:
        versions: dict[int, list[tuple]] = {}
        wanted = sorted(set(climbing.values()))
        for i in range(0, len(wanted), _CHUNK):
            rows = UnitVersion.objects.filter(unit_id__in=wanted[i : i + _CHUNK]).values_list(
                "unit_id", "parent_id", "valid_from", "valid_to"
            )
            for unit_id, *version in rows:
                versions.setdefault(unit_id, []).append(version)
        above = {}
        for (unit_id, day), current in climbing.items():
            parent = next(
                (p for p, start, stop in versions.get(current, ())
                 if start <= day and (stop is None or stop > day)),
                None,
            )  # fmt: skip
            if parent is not None and parent not in lineage[(unit_id, day)]:
                lineage[(unit_id, day)].add(parent)
                above[(unit_id, day)] = parent
        climbing = above
    return {pair: frozenset(units) for pair, units in lineage.items()}


def current_subtree(unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit, living or ended, whose history belongs under it today.

    Ended units count under the unit that carried their history on (their successor, else
    their last parent): the set to sum over when restating figures to today's structure.
    """
    return Unit.objects.filter(path__startswith=unit.path)


def unit_versions(unit: Unit) -> QuerySet[UnitVersion]:
    """The unit's name, kind and parent over time, oldest first."""
    return unit.versions.select_related("parent", "event").order_by("valid_from")


def unit_events(unit: Unit) -> QuerySet[OrgEvent]:
    """The reorganisations that touched the unit, newest first."""
    return unit.events.select_related("actor").order_by("-effective_on", "-id")


def visible_roots(forest: Forest, unit_ids: set[int] | None) -> list[Node]:
    """The tops of the part of `forest` within `unit_ids` (None: all units).

    A unit is a top when its parent that day lies outside the set: a district user looking
    at a date before a merge sees the merged-in district beside their own.
    """
    if unit_ids is None:
        return forest.roots()
    tops = [
        node
        for unit_id in unit_ids
        if (node := forest.nodes.get(unit_id)) is not None
        and (node.parent_id is None or node.parent_id not in unit_ids)
    ]
    return sorted(tops, key=lambda n: (n.name, n.code))


def visible_children(forest: Forest, unit_id: int, unit_ids: set[int] | None) -> list[Node]:
    """The units directly under `unit_id` in `forest` that lie within `unit_ids`."""
    return [n for n in forest.children_of(unit_id) if unit_ids is None or n.id in unit_ids]


def search_units(units: QuerySet[Unit], text: str, *, limit: int = 50) -> list[Unit]:
    """Units among `units` whose code or name contains every word of `text`, accents ignored."""
    words = search_key(text).split()
    if not words:
        return []
    for word in words:
        units = units.filter(search_key__contains=word)
    return list(units.order_by("-is_active", "name", "code")[:limit])
