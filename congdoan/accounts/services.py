"""Sign-in throttling: failed attempts are rows, so every server process counts alike."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from congdoan.accounts.models import FailedLogin

# Rows older than this are of no use to any window and are pruned as new failures arrive.
_KEEP = dt.timedelta(days=1)


def _username_key(username: str) -> str:
    # Case variants of one name must share a counter, or "Admin" and "admin" double the tries.
    return (username or "").strip().casefold()[:150]


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW)


@transaction.atomic
def record_failed_login(*, username: str, address: str) -> FailedLogin:
    """Note one failed sign-in for `username` from `address`."""
    FailedLogin.objects.filter(at__lt=timezone.now() - max(_KEEP, _window())).delete()
    return FailedLogin.objects.create(username=_username_key(username), address=address[:64])


def is_login_throttled(*, username: str, address: str) -> bool:
    """True when the username or the address has used up its failed attempts in the window."""
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    recent = FailedLogin.objects.filter(at__gte=timezone.now() - _window())
    key = _username_key(username)
    if key and recent.filter(username=key).count() >= limit:
        return True
    return bool(address) and recent.filter(address=address).count() >= limit


def clear_failed_logins(*, username: str) -> int:
    """Forget the username's failures after a successful sign-in; returns how many."""
    deleted, _ = FailedLogin.objects.filter(username=_username_key(username)).delete()
    return deleted
