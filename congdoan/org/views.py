"""Unit pages: the tree as of a date, one unit's history, and the reorganisation forms.

Every view starts from the user's scope (accounts.scope): units outside it are 404, units
inside it that the user may not reorganise are 403.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from congdoan.accounts.scope import Scope, scope_for
from congdoan.core import audit
from congdoan.core.dates import format_date, parse_date, today
from congdoan.org import forms, selectors, services
from congdoan.org.forest import Forest, Node
from congdoan.org.models import Unit

AS_OF_INVALID = _("“%(value)s” is not a valid date (dd/mm/yyyy); showing today instead.")


def _as_of(request) -> tuple[dt.date, str]:
    """The date the tree is drawn as of (today by default) and a message if it was bad."""
    raw = request.GET.get("as_of", "").strip()
    try:
        return parse_date(raw) or today(), ""
    except ValueError:
        return today(), AS_OF_INVALID % {"value": raw}


def _items(forest: Forest, nodes: list[Node], unit_ids, *, expand: bool = False) -> list[dict]:
    """Tree rows: each node with the number of units under it in scope (and those, if open)."""
    items = []
    for node in nodes:
        children = selectors.visible_children(forest, node.id, unit_ids)
        items.append({
            "node": node,
            "count": len(children),
            "children": _items(forest, children, unit_ids) if expand else None,
        })
    return items


@require_GET
def tree(request):
    scope = scope_for(request.user)
    as_of, date_error = _as_of(request)
    forest, unit_ids = selectors.tree_as_of(as_of), scope.unit_ids()
    focus = scope.get_unit(request.GET["root"]) if request.GET.get("root") else None
    if focus is not None:
        tops = [forest.nodes[focus.pk]] if focus.pk in forest else []
    else:
        tops = selectors.visible_roots(forest, unit_ids)
    query = request.GET.get("q", "").strip()
    return render(request, "org/tree.html", {
        "items": _items(forest, tops, unit_ids, expand=True),
        "as_of": as_of,
        "as_of_text": format_date(as_of),
        "is_today": as_of == today(),
        "date_error": date_error,
        "focus": focus,
        "query": query,
        "results": selectors.search_units(scope.units(), query) if query else None,
    })


@require_GET
def tree_children(request, code: str):
    scope = scope_for(request.user)
    unit = scope.get_unit(code)
    as_of, _error = _as_of(request)
    if not request.htmx:
        # Without JavaScript the expand link opens the tree focused on the unit.
        query = urlencode({"root": unit.code, "as_of": format_date(as_of)})
        return redirect(f"{reverse('org:tree')}?{query}")
    forest, unit_ids = selectors.tree_as_of(as_of), scope.unit_ids()
    children = selectors.visible_children(forest, unit.pk, unit_ids)
    return render(request, "org/tree.html#children", {
        "items": _items(forest, children, unit_ids),
        "as_of_text": format_date(as_of),
    })


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    if not request.htmx:
        return redirect(f"{reverse('org:tree')}?{urlencode({'q': query})}")
    results = selectors.search_units(scope_for(request.user).units(), query) if query else None
    return render(request, "org/tree.html#search_results", {"query": query, "results": results})


def _actions(scope: Scope, unit: Unit) -> dict[str, bool]:
    """Which reorganisations of `unit` this scope may start."""
    live = unit.is_active
    manage = live and scope.can_manage(unit)
    receive = live and scope.can_place_under(unit)
    return {
        "create": receive, "rename": manage, "move": manage,
        "merge": receive, "split": manage, "dissolve": manage,
    }


@require_GET
def detail(request, code: str):
    scope = scope_for(request.user)
    unit = scope.get_unit(code)
    return render(request, "org/detail.html", {
        "unit": unit,
        "parent_in_scope": scope.contains(unit.parent),
        "successor_in_scope": scope.contains(unit.successor),
        "children": scope.filter(unit.current_children.filter(is_active=True), ""),
        "predecessors": scope.filter(unit.predecessors.all(), ""),
        "versions": selectors.unit_versions(unit),
        "events": selectors.unit_events(unit),
        "audit_entries": audit.history(unit)[:100],
        "actions": _actions(scope, unit),
    })


# --- reorganisations ---------------------------------------------------------------------

# For each operation: page title, button label, success message.
OPERATIONS = {
    "create": (
        _("Found a unit under %(unit)s"), _("Found the unit"), _("%(unit)s has been founded.")
    ),
    "rename": (_("Rename %(unit)s"), _("Rename"), _("%(unit)s has been renamed.")),
    "move": (_("Move %(unit)s to another parent unit"), _("Move"), _("%(unit)s has been moved.")),
    "merge": (
        _("Merge units into %(unit)s"), _("Merge"), _("The units have been merged into %(unit)s.")
    ),
    "split": (_("Split %(unit)s"), _("Split"), _("%(unit)s has been split.")),
    "dissolve": (_("Dissolve %(unit)s"), _("Dissolve"), _("%(unit)s has been dissolved.")),
}


def _operate(request, code: str, operation: str, form_class, perform):
    """Scoped fetch → form → service → redirect, or the form again with what went wrong.

    `perform(unit, data, common)` calls the service; `common` holds actor, date and reason.
    It returns the unit to show next.
    """
    scope = scope_for(request.user)
    unit = scope.get_unit(code)
    if not _actions(scope, unit)[operation]:
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None, unit=unit, scope=scope)
    # A split form posts "refresh" to redraw its per-child choices after the parts change.
    if form.is_bound and "refresh" not in request.POST and form.is_valid():
        data = form.cleaned_data
        common = {"actor": request.user, "on": data["effective_on"], "reason": data["reason"]}
        try:
            shown = perform(unit, data, common)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, OPERATIONS[operation][2] % {"unit": shown})
            url = reverse("org:detail", args=[shown.code])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    title, submit, _done = OPERATIONS[operation]
    template = "org/operation.html#form" if request.htmx else "org/operation.html"
    return render(request, template, {
        "unit": unit, "form": form, "operation": operation,
        "title": title % {"unit": unit}, "submit_label": submit,
    })


@require_http_methods(["GET", "POST"])
def create_child(request, code: str):
    def perform(unit, data, common):
        return services.create_unit(
            code=data["code"], name=data["name"], kind=data["kind"], parent=unit, **common
        )

    return _operate(request, code, "create", forms.CreateChildForm, perform)


@require_http_methods(["GET", "POST"])
def rename(request, code: str):
    def perform(unit, data, common):
        return services.rename_unit(unit=unit, name=data["name"], **common)

    return _operate(request, code, "rename", forms.RenameForm, perform)


@require_http_methods(["GET", "POST"])
def move(request, code: str):
    def perform(unit, data, common):
        return services.move_unit(unit=unit, parent=data["parent"], **common)

    return _operate(request, code, "move", forms.MoveForm, perform)


@require_http_methods(["GET", "POST"])
def merge(request, code: str):
    def perform(unit, data, common):
        services.merge_units(sources=list(data["sources"]), into=unit, **common)
        return unit

    return _operate(request, code, "merge", forms.MergeForm, perform)


@require_http_methods(["GET", "POST"])
def split(request, code: str):
    def perform(unit, data, common):
        assignments = forms.SplitForm.assignments_from(data)
        parts = services.split_unit(
            unit=unit, parts=data["parts"], assignments=assignments, **common
        )
        return unit if unit in parts else parts[0]

    return _operate(request, code, "split", forms.SplitForm, perform)


@require_http_methods(["GET", "POST"])
def dissolve(request, code: str):
    def perform(unit, data, common):
        return services.dissolve_unit(unit=unit, **common)

    return _operate(request, code, "dissolve", forms.DissolveForm, perform)
