"""Enterprise pages: the list of the user's scope, one enterprise's page, the forms that
change it, and the coverage page.

Every view starts from the user's scope (accounts.scope): enterprises whose area unit lies
outside it are 404; those inside it that the user may not change are 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from congdoan.accounts.scope import MANAGE_ROLES, Scope, scope_for
from congdoan.core import audit
from congdoan.core.dates import format_date, today
from congdoan.enterprises import charts, forms, selectors, services
from congdoan.enterprises.models import Enterprise, Status
from congdoan.enterprises.reach import membership_reach
from congdoan.enterprises.templatetags import enterprises_tags
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit

# For each form: page title, button label, success message.
OPERATIONS = {
    "new": (_("Register an enterprise"), _("Register"), _("%(enterprise)s has been registered.")),
    "edit": (
        _("Correct the details of %(enterprise)s"), _("Save"),
        _("%(enterprise)s has been updated."),
    ),
    "headcount": (
        _("Record the workers of %(enterprise)s"), _("Record"),
        _("The workers of %(enterprise)s have been recorded."),
    ),
    "status": (
        _("Change the operating status of %(enterprise)s"), _("Change the status"),
        _("The status of %(enterprise)s has been changed."),
    ),
    "link": (
        _("The grassroots union in %(enterprise)s"), _("Link the union"),
        _("The union in %(enterprise)s has been recorded."),
    ),
    "unlink": (
        _("%(enterprise)s no longer has this union"), _("End the link"),
        _("The union no longer covers %(enterprise)s."),
    ),
}  # fmt: skip
TOP = 50


def may_register(scope: Scope) -> bool:
    return scope.is_everything or (scope.role in MANAGE_ROLES and scope.unit is not None)


def founding_url(enterprise: Enterprise) -> str | None:
    """The page that opens a founding campaign for `enterprise`, once organizing has one."""
    try:
        return f"{reverse('organizing:new')}?{urlencode({'enterprise': enterprise.pk})}"
    except NoReverseMatch:
        return None


@require_GET
def enterprise_list(request):
    scope = scope_for(request.user)
    form = forms.FilterForm(request.GET, scope=scope)
    page = None
    if form.is_valid():
        found = selectors.find_enterprises(scope, **form.filters())
        page = selectors.enterprise_page(found, after=request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "enterprises/list.html#results" if partial else "enterprises/list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "rows": page and page.enterprises,
            "next_key": page and page.next_key,
            "is_first_page": "after" not in request.GET,
            "query": query.urlencode(),
            "may_register": may_register(scope),
        },
    )


def _detail_context(scope: Scope, enterprise: Enterprise) -> dict:
    headcounts = selectors.headcount_history(enterprise)
    links = selectors.union_history(enterprise)
    facts = selectors.facts_today(enterprise)
    entries = list(audit.history(enterprise).select_related("actor")[:100])
    unit_ids = {
        (state or {}).get(key)
        for e in entries
        for state in (e.before, e.after)
        for key in enterprises_tags.UNIT_KEYS
    }
    may_change = scope.can_enter_data(enterprise.area_unit)
    needs_union = facts.link is None and getattr(facts.status, "status", "") == Status.OPERATING
    return {
        "enterprise": enterprise,
        "facts": facts,
        "headcounts": headcounts,
        "chart": charts.headcount_columns(headcounts),
        "statuses": selectors.status_history(enterprise),
        "links": [(link, scope.contains(link.union)) for link in links],
        "area_in_scope": scope.contains(enterprise.area_unit),
        "audit_entries": entries,
        "audit_units": Unit.objects.in_bulk([int(i) for i in unit_ids if i]),
        "may_change": may_change,
        "is_dissolved": getattr(facts.status, "status", "") == Status.DISSOLVED,
        "founding_url": founding_url(enterprise) if needs_union and may_change else None,
        "min_workers": selectors.default_min_workers(),
    }


@require_GET
def detail(request, tax_code: str):
    scope = scope_for(request.user)
    enterprise = selectors.enterprise_for(scope, tax_code)
    return render(request, "enterprises/detail.html", _detail_context(scope, enterprise))


# --- forms ---------------------------------------------------------------------------------


def _done(request, operation: str, enterprise: Enterprise):
    messages.success(request, OPERATIONS[operation][2] % {"enterprise": enterprise})
    url = reverse("enterprises:detail", args=[enterprise.tax_code])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _form_page(request, operation: str, form, enterprise: Enterprise | None = None):
    title, submit, _message = OPERATIONS[operation]
    template = "enterprises/operation.html#form" if request.htmx else "enterprises/operation.html"
    return render(
        request,
        template,
        {
            "enterprise": enterprise,
            "form": form,
            "operation": operation,
            "title": title % {"enterprise": enterprise},
            "submit_label": submit,
            "link": selectors.facts_today(enterprise).link if operation == "unlink" else None,
        },
    )


@require_http_methods(["GET", "POST"])
def new(request):
    scope = scope_for(request.user)
    if not may_register(scope):
        raise PermissionDenied
    form = forms.RegisterForm(request.POST if request.method == "POST" else None, scope=scope)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                enterprise = services.register_enterprise(
                    actor=request.user,
                    scope=scope,
                    tax_code=data["tax_code"],
                    since=data["on"],
                    **form.details(),
                )
                if data["workers"] is not None:
                    services.record_headcount(
                        actor=request.user,
                        scope=scope,
                        enterprise=enterprise,
                        as_of=today(),
                        workers=data["workers"],
                    )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, "new", enterprise)
    return _form_page(request, "new", form)


def _operate(request, tax_code: str, operation: str, form_class, perform):
    """Scoped fetch → form → service → redirect, or the form again with what went wrong.

    `perform(enterprise, form, common)` calls the service with the form's cleaned data;
    `common` holds the actor and the scope.
    """
    scope = scope_for(request.user)
    enterprise = selectors.enterprise_for(scope, tax_code)
    if not scope.can_enter_data(enterprise.area_unit):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = form_class(data, enterprise=enterprise, scope=scope)
    if form.is_bound and form.is_valid():
        try:
            perform(enterprise, form, {"actor": request.user, "scope": scope})
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, operation, enterprise)
    return _form_page(request, operation, form, enterprise)


@require_http_methods(["GET", "POST"])
def edit(request, tax_code: str):
    def perform(enterprise, form, common):
        services.update_enterprise(
            enterprise=enterprise, reason=form.cleaned_data["reason"], **form.details(), **common
        )

    return _operate(request, tax_code, "edit", forms.EditForm, perform)


@require_http_methods(["GET", "POST"])
def headcount(request, tax_code: str):
    def perform(enterprise, form, common):
        data = form.cleaned_data
        services.record_headcount(
            enterprise=enterprise,
            as_of=data["on"],
            workers=data["workers"],
            source=data["source"],
            **common,
        )

    return _operate(request, tax_code, "headcount", forms.HeadcountForm, perform)


@require_http_methods(["GET", "POST"])
def status(request, tax_code: str):
    def perform(enterprise, form, common):
        data = form.cleaned_data
        services.change_status(
            enterprise=enterprise,
            status=data["status"],
            on=data["on"],
            note=data["note"],
            **common,
        )

    return _operate(request, tax_code, "status", forms.StatusForm, perform)


@require_http_methods(["GET", "POST"])
def link(request, tax_code: str):
    def perform(enterprise, form, common):
        data = form.cleaned_data
        services.link_union(
            enterprise=enterprise,
            union=data["union"],
            on=data["on"],
            note=data["note"],
            **common,
        )

    return _operate(request, tax_code, "link", forms.LinkForm, perform)


@require_http_methods(["GET", "POST"])
def unlink(request, tax_code: str):
    def perform(enterprise, form, common):
        data = form.cleaned_data
        services.unlink_union(enterprise=enterprise, on=data["on"], reason=data["reason"], **common)

    return _operate(request, tax_code, "unlink", forms.UnlinkForm, perform)


# --- coverage ------------------------------------------------------------------------------


def _default_unit(scope: Scope, on) -> Unit | None:
    if scope.unit is not None:
        return scope.unit
    tops = org_selectors.visible_roots(org_selectors.tree_as_of(on), scope.unit_ids())
    return Unit.objects.filter(pk=tops[0].id).first() if tops else None


def _visible_parent(scope: Scope, forest, unit: Unit):
    """The unit above `unit` that day, if the user may look at it (to go back up)."""
    node = forest.nodes.get(unit.pk)
    parent = forest.nodes.get(node.parent_id) if node and node.parent_id else None
    if parent is None or not (scope.is_everything or parent.id in scope.unit_ids()):
        return None
    return parent


@require_GET
def coverage(request):
    scope = scope_for(request.user)
    form = forms.CoverageForm(request.GET, scope=scope)
    form.is_valid()  # a bad field is shown and its default used instead
    data = form.cleaned_data
    on = data.get("as_of") or today()
    min_workers = data.get("min_workers")
    if min_workers is None:
        min_workers = selectors.default_min_workers()
    unit = data.get("unit") or _default_unit(scope, on)
    context = {
        "form": form,
        "unit": unit,
        "on": on,
        "on_text": format_date(on),
        "min_workers": min_workers,
        "is_today": on == today(),
    }
    if unit is not None:
        query = {"unit": unit, "on": on, "min_workers": min_workers, "scope": scope}
        # Units with no enterprise that should have a union (most commune unions) would
        # only lengthen the table: they are counted in a line below it.
        every_part = selectors.coverage_by_child(**query)
        parts = [p for p in every_part if p.coverage.eligible]
        reach = membership_reach(**query)
        reach_rows = sorted(reach.rows, key=lambda r: (-(r.workers or 0), r.name))[:TOP]
        forest = org_selectors.tree_as_of(on)
        total = selectors.coverage(**query)
        context.update(
            {
                "total": total,
                "uncovered_count": total.eligible - total.with_union,
                "parts": parts,
                "empty_parts": len(every_part) - len(parts),
                "chart": charts.coverage_bars(parts),
                "uncovered": list(selectors.uncovered(**query)[:TOP]),
                "reach": reach,
                "reach_rows": reach_rows,
                "existed": unit.pk in forest,
                "parent": _visible_parent(scope, forest, unit),
            }
        )
    return render(request, "enterprises/coverage.html", context)
