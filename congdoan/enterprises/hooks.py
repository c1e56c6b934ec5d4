"""What other apps must do when an employer's ownership changes, registered at start-up.

Members sit above enterprises in the layers; the member counts by sector (members.span_hooks)
register here, so that a cooperative turned state company moves its members' counts."""

from collections.abc import Callable

_ownership_handlers: list[Callable[..., None]] = []


def on_ownership_change(handler: Callable[..., None]) -> Callable[..., None]:
    """Register handler(*, enterprise, before, after), run inside the change's transaction."""
    if handler not in _ownership_handlers:
        _ownership_handlers.append(handler)
    return handler


def ownership_changed(*, enterprise, before: str, after: str) -> None:
    for handler in _ownership_handlers:
        handler(enterprise=enterprise, before=before, after=after)
