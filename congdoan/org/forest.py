"""The hierarchy as it stood on one date, held in memory for walking up and down.

Built from one query over UnitVersion and cached per epoch (the dates between two changes
of any unit's version) and last reorganisation, so drawing a tree or finding ancestors
costs no query per node even at national scale.
"""

import copy
import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Max, Q

from congdoan.org.models import OrgEvent, UnitVersion


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


@dataclass
class Forest:
    as_of: dt.date
    nodes: dict[int, Node]
    children: dict[int | None, list[int]] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in sorted(self.nodes.values(), key=lambda n: (n.name, n.code)):
            self.children.setdefault(node.parent_id, []).append(node.id)
            self.by_code[node.code] = node.id

    def __contains__(self, unit_id: int) -> bool:
        return unit_id in self.nodes

    def roots(self) -> list[Node]:
        return [self.nodes[i] for i in self.children.get(None, [])]

    def children_of(self, unit_id: int) -> list[Node]:
        return [self.nodes[i] for i in self.children.get(unit_id, [])]

    def ancestors(self, unit_id: int) -> list[Node]:
        """From the parent up to the root (empty for a root or a unit absent that day)."""
        chain = []
        node = self.nodes.get(unit_id)
        while node is not None and node.parent_id is not None:
            node = self.nodes.get(node.parent_id)
            if node is None:
                break
            chain.append(node)
        return chain

    def subtree_ids(self, unit_id: int) -> list[int]:
        """The unit and everything under it that day, parents before children."""
        if unit_id not in self.nodes:
            return []
        out, stack = [], [unit_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return out

    def descendant_count(self, unit_id: int) -> int:
        return len(self.subtree_ids(unit_id)) - 1


_cache: OrderedDict[tuple, Forest] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 32  # a date's entry and its epoch's share one tree


def revision() -> tuple:
    # The newest event with its timestamp: ids alone can repeat after a rolled-back test.
    return tuple(OrgEvent.objects.order_by("-id").values_list("id", "recorded_at")[:1])


def structure_epoch(as_of: dt.date, current_revision: tuple | None = None) -> tuple:
    """What the tree on `as_of` is made of: the last day on or before it on which any unit
    began or ended a version, with the newest reorganisation. Dates with the same epoch have
    the same tree, so one is built per epoch, not per date asked (a national tree is 130,000
    units and takes about a second to build)."""
    starts = UnitVersion.objects.filter(valid_from__lte=as_of).aggregate(m=Max("valid_from"))
    ends = UnitVersion.objects.filter(valid_to__lte=as_of).aggregate(m=Max("valid_to"))
    changed = max((d for d in (starts["m"], ends["m"]) if d is not None), default=None)
    return (changed, revision() if current_revision is None else current_revision)


def forest_as_of(as_of: dt.date, *, cached: bool = True) -> Forest:
    """The whole hierarchy as it stood on `as_of`.

    Services checking a change they are in the middle of pass cached=False: their own
    uncommitted writes must be seen, and must not be cached for others.
    """
    current = revision() if cached else None
    key = (as_of, current) if cached else None
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    epoch = ("epoch", *structure_epoch(as_of, current)) if cached else None
    with _cache_lock:
        same = _cache.get(epoch)
    if same is not None:
        forest = copy.copy(same)  # shares the nodes; only the date differs
        forest.as_of = as_of
    else:
        rows = (
            UnitVersion.objects.filter(valid_from__lte=as_of)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
            .values_list("unit_id", "unit__code", "name", "kind", "parent_id")
        )
        forest = Forest(as_of=as_of, nodes={r[0]: Node(*r) for r in rows})
    if key is None:
        return forest
    with _cache_lock:
        _cache[key] = forest
        _cache[epoch] = forest
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return forest
