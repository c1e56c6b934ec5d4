"""Reads for the overview page, limited to the user's scope."""

from django.db.models import Count, QuerySet

from congdoan.accounts.scope import Scope
from congdoan.org.kinds import UnitKind
from congdoan.org.models import OrgEvent


def unit_counts_by_kind(scope: Scope) -> list[tuple[str, str, int]]:
    """(kind, label, number) of the units in scope that exist today, in the order of kinds."""
    rows = dict(
        scope.units().filter(is_active=True).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return [(kind, label, rows[kind]) for kind, label in UnitKind.choices if rows.get(kind)]


def recent_events(scope: Scope, *, limit: int = 10) -> QuerySet[OrgEvent]:
    """The latest reorganisations that touched a unit in scope, newest effective date first."""
    events = scope.filter(OrgEvent.objects.all(), "units").distinct()
    return events.select_related("actor").order_by("-effective_on", "-id")[:limit]
