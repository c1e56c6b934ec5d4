"""The hierarchy as arrays, for summing counts up the tree with numpy.

Two structures, as everywhere in the registry:
- as-was: the units as they stood on the date (org.forest), so a federation merged away
  in 2025 still has its own figures for 2024;
- current: today's tree with the history of ended units under the unit that carries it on
  (their successor), so that figures are restated as if the reform had always been.

A Shape is built once per structure and cached with the forest (as-was) or the last
reorganisation (current): at national scale the building, not the summing, costs.
"""

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from congdoan.analytics.arrays import add_rows
from congdoan.org import forest as org_forest
from congdoan.org.models import Unit, path_ids

AS_WAS, CURRENT = "as-was", "current"
STRUCTURES = (AS_WAS, CURRENT)


@dataclass
class Shape:
    """Units as sorted ids, each with the index of its parent (-1 at a root)."""

    ids: np.ndarray
    parent: np.ndarray
    # Indices of the units at each depth, deepest first, roots left out: summing level by
    # level adds every unit into its parent after its own children were added into it.
    levels: list[np.ndarray]
    children: dict[int, list[int]]
    _position: dict[int, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, parents: dict[int, int | None], children: dict[int, list[int]]) -> "Shape":
        ids = np.array(sorted(parents), dtype=np.int64)
        position = {int(unit_id): i for i, unit_id in enumerate(ids)}
        parent = np.array(
            [position.get(parents[int(u)], -1) if parents[int(u)] is not None else -1 for u in ids],
            dtype=np.int64,
        )
        depth = np.full(len(ids), -1, dtype=np.int64)
        for i in range(len(ids)):
            chain, j = [], i
            while j >= 0 and depth[j] < 0:
                chain.append(j)
                j = parent[j]
            base = depth[j] if j >= 0 else -1
            for k in reversed(chain):
                base += 1
                depth[k] = base
        levels = [np.flatnonzero(depth == d) for d in range(int(depth.max(initial=0)), 0, -1)]
        return cls(ids, parent, levels, children, position)

    def position(self, unit_id: int) -> int | None:
        return self._position.get(unit_id)

    def positions(self, unit_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions, mask): where each id sits, and which ids are units of this shape."""
        if not len(self.ids):
            return np.zeros(len(unit_ids), dtype=np.int64), np.zeros(len(unit_ids), dtype=bool)
        found = np.searchsorted(self.ids, unit_ids)
        found = np.minimum(found, len(self.ids) - 1)
        return found, self.ids[found] == unit_ids

    def roll_up(self, values: np.ndarray) -> np.ndarray:
        """Each unit's own values (rows aligned with ids) plus everything under it."""
        totals = values.copy()
        for level in self.levels:
            add_rows(totals, self.parent[level], totals[level])
        return totals

    def subtree(self, unit_id: int) -> list[int]:
        out, stack = [], [unit_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(self.children.get(current, ()))
        return out


_cache: OrderedDict[tuple, Shape] = OrderedDict()
_lock = threading.Lock()
_CACHE_SIZE = 16  # a date's entry and its epoch's share one shape


def _cached(key: tuple, make) -> Shape:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    shape = make()
    with _lock:
        _cache[key] = shape
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return shape


def shape_as_of(on: dt.date) -> Shape:
    def make() -> Shape:
        forest = org_forest.forest_as_of(on)
        parents = {node.id: node.parent_id for node in forest.nodes.values()}
        return Shape.build(parents, {k: v for k, v in forest.children.items() if k is not None})

    current = org_forest.revision()
    by_date = (AS_WAS, on, current)
    with _lock:
        if by_date in _cache:
            _cache.move_to_end(by_date)
            return _cache[by_date]
    # Dates between the same two changes of the tree share one shape.
    found = _cached((AS_WAS, "epoch", *org_forest.structure_epoch(on, current)), make)
    with _lock:
        _cache[by_date] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def shape_current() -> Shape:
    def make() -> Shape:
        rows = Unit.objects.order_by("name", "code").values_list("pk", "path")
        parents: dict[int, int | None] = {}
        children: dict[int, list[int]] = {}
        for pk, path in rows:
            chain = path_ids(path)
            parent = chain[-2] if len(chain) > 1 else None
            parents[pk] = parent
            if parent is not None:
                children.setdefault(parent, []).append(pk)
        return Shape.build(parents, children)

    return _cached((CURRENT, org_forest.revision()), make)


def shape(structure: str, on: dt.date) -> Shape:
    if structure == AS_WAS:
        return shape_as_of(on)
    if structure == CURRENT:
        return shape_current()
    raise ValueError(structure)
