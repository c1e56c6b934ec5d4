"""Plan pages: the list, one plan's overview, and the forms that change a plan.

A user sees a plan when its owner unit is in their scope or above their own unit
(selectors.visible_plans); others get 404. Changing a plan needs managing its owner
(rules.check_manages_plan): others get 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.accounts.scope import MANAGE_ROLES, Scope, scope_for
from congdoan.plans import charts, forms, rules, selectors, services
from congdoan.plans.models import Plan, Task

# For each form: page title, button label, success message.
OPERATIONS = {
    "new": (_("New plan"), _("Create the plan"), _("The plan %(plan)s has been created.")),
    "edit": (_("Change the plan"), _("Save"), _("The plan %(plan)s has been updated.")),
    "period": (_("Add a period"), _("Add"), _("The period has been added.")),
    "document": (
        _("Attach a source document"), _("Attach"), _("The document has been attached."),
    ),
    "status": (
        _("Change the plan's status"), _("Change"), _("The status of %(plan)s has changed."),
    ),
}  # fmt: skip


def may_create(scope: Scope) -> bool:
    return scope.is_everything or (scope.role in MANAGE_ROLES and scope.unit is not None)


@require_GET
def plan_list(request):
    scope = scope_for(request.user)
    plans = selectors.visible_plans(scope).order_by("-starts_on", "code")
    return render(request, "plans/list.html", {"plans": plans, "may_create": may_create(scope)})


@require_GET
def detail(request, code: str):
    scope = scope_for(request.user)
    plan = selectors.plan_for(scope, code)
    counts = selectors.task_counts(plan)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "tab": "overview",
            "documents": plan.documents.all(),
            "periods": selectors.plan_periods(plan),
            "indicators": plan.indicators.order_by("code"),
            "task_counts": [(label, counts.get(key, 0)) for key, label in Task.Status.choices],
            "task_total": sum(counts.values()),
            "may_manage": scope.can_place_under(plan.owner),
            "next_status": rules.STATUS_STEPS.get(plan.status),
            "charts": charts.owner_targets(plan),
        },
    )


def _done(request, operation: str, plan: Plan):
    messages.success(request, OPERATIONS[operation][2] % {"plan": plan.code})
    return redirect("plans:detail", plan.code)


def _form_page(request, operation: str, form, plan: Plan | None = None):
    title, submit, _message = OPERATIONS[operation]
    return render(
        request,
        "plans/operation.html",
        {"plan": plan, "form": form, "title": title, "submit_label": submit},
    )


@require_http_methods(["GET", "POST"])
def new(request):
    scope = scope_for(request.user)
    if not may_create(scope):
        raise PermissionDenied
    form = forms.PlanForm(request.POST if request.method == "POST" else None, scope=scope)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                actor=request.user,
                scope=scope,
                code=data["code"],
                title=data["title"],
                owner=data["owner"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                indicators=data["indicators"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, "new", plan)
    return _form_page(request, "new", form)


def _operate(request, code: str, operation: str, make_form, perform):
    """Scoped fetch → form → service → back to the plan, or the form with what went wrong."""
    scope = scope_for(request.user)
    plan = selectors.plan_for(scope, code)
    if not scope.can_place_under(plan.owner):
        raise PermissionDenied
    bound = request.method == "POST"
    form = make_form(plan, scope, request.POST if bound else None, request.FILES if bound else None)
    if form.is_bound and form.is_valid():
        try:
            perform(plan, form.cleaned_data, {"actor": request.user, "scope": scope})
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, operation, plan)
    return _form_page(request, operation, form, plan)


@require_http_methods(["GET", "POST"])
def edit(request, code: str):
    def perform(plan, data, common):
        services.update_plan(
            plan=plan,
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            indicators=data["indicators"],
            reason=data["reason"],
            **common,
        )

    def make_form(plan, scope, data, files):
        return forms.PlanEditForm(data, scope=scope, plan=plan)

    return _operate(request, code, "edit", make_form, perform)


@require_http_methods(["GET", "POST"])
def add_period(request, code: str):
    def perform(plan, data, common):
        services.add_period(plan=plan, **data, **common)

    return _operate(request, code, "period", lambda p, s, d, f: forms.PeriodForm(d), perform)


@require_http_methods(["GET", "POST"])
def attach_document(request, code: str):
    def perform(plan, data, common):
        services.attach_document(plan=plan, **data, **common)

    return _operate(request, code, "document", lambda p, s, d, f: forms.DocumentForm(d, f), perform)


@require_http_methods(["GET", "POST"])
def change_status(request, code: str):
    def perform(plan, data, common):
        services.change_plan_status(plan=plan, **data, **common)

    def make_form(plan, scope, data, files):
        following = rules.STATUS_STEPS.get(plan.status)
        return forms.StatusForm(data, initial={"status": following})

    return _operate(request, code, "status", make_form, perform)


@require_GET
def document(request, code: str, pk: int):
    scope = scope_for(request.user)
    plan = selectors.plan_for(scope, code)
    found = get_object_or_404(plan.documents, pk=pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404(pk) from None
    name = found.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)
