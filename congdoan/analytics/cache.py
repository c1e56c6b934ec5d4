"""The dashboard's figures kept for a few minutes, per process, until the data change.

The key holds a version of the data that costs one indexed read: the newest audit entry
(every change of members, units, targets, figures and tasks writes one), the newest
reorganisation and the newest month kept. A rebuild writes no audit entry, so it clears
this process's cache itself; other processes see it within TIMEOUT.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from congdoan.analytics import openings
from congdoan.analytics.models import Checkpoint
from congdoan.core.models import AuditEntry
from congdoan.org import forest as org_forest

TIMEOUT = 300
PREFIX = "analytics:"
T = TypeVar("T")


def data_version() -> tuple:
    audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    month = Checkpoint.objects.order_by("-month").values_list("month", flat=True).first()
    return (audit, org_forest.revision(), month)


def remembered(name: str, key: tuple, compute: Callable[[], T]) -> T:
    """compute(), or what it gave for the same key and data version within TIMEOUT."""
    digest = hashlib.sha1(repr((key, data_version())).encode()).hexdigest()
    full = f"{PREFIX}{name}:{digest}"
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, TIMEOUT)
    return found


def forget() -> None:
    cache.clear()
    openings.forget()
    # Here, not at the top: upper reads through services, which clears this cache.
    from congdoan.analytics import upper

    upper.forget()
