from django.shortcuts import render
from django.views.decorators.http import require_GET

from congdoan.accounts.scope import scope_for
from congdoan.web import selectors


@require_GET
def home(request):
    """The overview: the user's unit, the units in scope by kind, recent reorganisations."""
    scope = scope_for(request.user)
    counts = selectors.unit_counts_by_kind(scope)
    return render(request, "web/home.html", {
        "scope": scope,
        "counts": counts,
        "total": sum(n for _kind, _label, n in counts),
        "events": selectors.recent_events(scope),
    })
