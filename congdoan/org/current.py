"""Restating each unit's current fields (name, kind, parent, path) from its versions."""

from collections.abc import Iterable

from congdoan.core.dates import today
from congdoan.core.text import search_key
from congdoan.org.models import Unit, UnitVersion


def refresh_current_structure(units: Iterable[Unit] | None = None) -> int:
    """Restate every unit's current fields (name, kind, parent, path) from its versions.

    Returns how many units changed. Runs after each reorganisation; cheap when little moved.
    """
    on = today()
    versions: dict[int, list[tuple]] = {}
    for row in UnitVersion.objects.order_by("unit_id", "valid_from").values_list(
        "unit_id", "name", "kind", "parent_id", "valid_from", "valid_to"
    ):
        versions.setdefault(row[0], []).append(row)
    all_units = {u.pk: u for u in (units or Unit.objects.all())}
    state: dict[int, dict] = {}
    for unit_id, rows in versions.items():
        first, last = rows[0], rows[-1]
        active = last[5] is None or last[5] > on
        state[unit_id] = {
            "name": last[1],
            "kind": last[2],
            "parent_id": last[3],
            "starts_on": first[4],
            "ends_on": None if last[5] is None else last[5],
            "is_active": active and first[4] <= on,
        }
    successors = dict(Unit.objects.values_list("pk", "successor_id"))
    paths: dict[int, str] = {}

    def home_parent(unit_id: int) -> int | None:
        s = state[unit_id]
        if not s["is_active"] and successors.get(unit_id):
            return successors[unit_id]
        return s["parent_id"]

    def path_of(unit_id: int, seen: frozenset = frozenset()) -> str:
        if unit_id in paths:
            return paths[unit_id]
        parent_id = home_parent(unit_id)
        prefix = "/"
        if parent_id is not None and parent_id in state and parent_id not in seen:
            prefix = path_of(parent_id, seen | {unit_id})
        paths[unit_id] = f"{prefix}{unit_id}/"
        return paths[unit_id]

    changed = []
    fields = [
        "name",
        "kind",
        "parent_id",
        "starts_on",
        "ends_on",
        "is_active",
        "path",
        "depth",
        "search_key",
    ]
    for unit_id, unit in all_units.items():
        if unit_id not in state:
            continue
        wanted = dict(state[unit_id], path=path_of(unit_id))
        wanted["search_key"] = search_key(f"{unit.code} {wanted['name']}")
        wanted["depth"] = wanted["path"].count("/") - 2
        if any(getattr(unit, f) != wanted[f] for f in fields):
            for f in fields:
                setattr(unit, f, wanted[f])
            changed.append(unit)
    Unit.objects.bulk_update(changed, fields, batch_size=2000)
    return len(changed)
