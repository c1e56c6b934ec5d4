"""What other apps must do when a unit ends, registered by them at start-up.

org sits below members in the layers, so it cannot call members' services itself; members
registers here (in its AppConfig.ready) what a unit's end means for memberships. Handlers
run inside the reorganisation's transaction: one that raises a ValidationError refuses the
whole reorganisation.
"""

import datetime as dt
from collections.abc import Callable

UnitEndHandler = Callable[..., None]
_unit_end_handlers: list[UnitEndHandler] = []


def on_unit_end(handler: UnitEndHandler) -> UnitEndHandler:
    """Register handler(*, unit, on, successor, event, actor) for every unit that ends."""
    if handler not in _unit_end_handlers:
        _unit_end_handlers.append(handler)
    return handler


def unit_ending(*, unit, on: dt.date, successor, event, actor) -> None:
    for handler in _unit_end_handlers:
        handler(unit=unit, on=on, successor=successor, event=event, actor=actor)
