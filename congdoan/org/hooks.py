"""What other apps must do or check when a unit ends or changes kind, registered at start-up.

org sits below members in the layers, so it cannot call members' services itself; members
registers here (in its AppConfig.ready) what a unit's end means for memberships. Handlers
run inside the reorganisation's transaction: one that raises a ValidationError refuses the
whole reorganisation.
"""

import datetime as dt
from collections.abc import Callable

UnitEndHandler = Callable[..., None]
_unit_end_handlers: list[UnitEndHandler] = []
_kind_change_checks: list[Callable[..., None]] = []


def on_unit_end(handler: UnitEndHandler) -> UnitEndHandler:
    """Register handler(*, unit, on, successor, event, actor) for every unit that ends."""
    if handler not in _unit_end_handlers:
        _unit_end_handlers.append(handler)
    return handler


def unit_ending(*, unit, on: dt.date, successor, event, actor) -> None:
    for handler in _unit_end_handlers:
        handler(unit=unit, on=on, successor=successor, event=event, actor=actor)


def on_kind_change(check: Callable[..., None]) -> Callable[..., None]:
    """Register check(*, unit, on, kind) run before a unit's kind changes from `on`."""
    if check not in _kind_change_checks:
        _kind_change_checks.append(check)
    return check


def kind_changing(*, unit, on: dt.date, kind: str) -> None:
    for check in _kind_change_checks:
        check(unit=unit, on=on, kind=kind)
