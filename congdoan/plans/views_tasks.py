"""The pages of a plan's tasks and solutions and of its activity news.

Every view starts from the plan the user may see (selectors.plan_for: 404 otherwise).
Managers of the plan's owner shape groups and tasks; the owner's managers and the staff of
a responsible unit report progress; everyone who sees the plan reads.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.accounts.scope import Scope, scope_for
from congdoan.plans import forms_tasks as forms
from congdoan.plans import selectors, task_rules, task_selectors, tasks
from congdoan.plans.models import Plan, Task

GROUP_ADDED = _("Group %(number)s has been added.")
TASK_ADDED = _("Task %(number)s has been added.")
TASK_SAVED = _("The task has been saved.")
REPORTED = _("The progress update has been recorded.")


def _plan(request, code: str) -> tuple[Scope, Plan]:
    scope = scope_for(request.user)
    return scope, selectors.plan_for(scope, code)


def _plan_to_manage(request, code: str) -> tuple[Scope, Plan]:
    scope, plan = _plan(request, code)
    if plan.status == Plan.Status.CLOSED or not task_rules.may_manage(scope, plan):
        raise PermissionDenied
    return scope, plan


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _with_labels(task: Task, scope: Scope, plan: Plan, manages: bool) -> Task:
    task.due_text = tasks.due_label(task)
    task.may_report = plan.status != Plan.Status.CLOSED and (
        manages or task_selectors.can_report(scope, task, plan)
    )
    return task


@require_GET
def task_list(request, code: str):
    scope, plan = _plan(request, code)
    form = forms.TaskFilterForm(request.GET or None, plan=plan)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    groups = task_selectors.task_groups(
        plan, unit=chosen.get("unit"), status=chosen.get("status", "")
    )
    manages = task_rules.may_manage(scope, plan)
    for row in groups:
        for task in row.tasks:
            _with_labels(task, scope, plan, manages)
    template = "plans/tasks.html#task-list" if _partial(request) else "plans/tasks.html"
    return render(request, template, {
        "plan": plan, "tab": "tasks", "groups": groups, "form": form,
        "filtered": bool(chosen.get("unit") or chosen.get("status")),
        "may_manage": manages and plan.status != Plan.Status.CLOSED,
    })  # fmt: skip


def _form_page(request, plan: Plan, form, *, title, submit, task=None):
    return render(request, "plans/task_form.html", {
        "plan": plan, "tab": "tasks", "form": form, "title": title, "submit": submit,
        "task": task,
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def task_new_group(request, code: str):
    scope, plan = _plan_to_manage(request, code)
    form = forms.GroupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            group = tasks.create_group(
                actor=request.user, plan=plan, title=form.cleaned_data["title"],
                number=form.cleaned_data["number"], scope=scope,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, GROUP_ADDED % {"number": group.number})
            return redirect("plans:tasks", plan.code)
    return _form_page(request, plan, form, title=_("New group of tasks"), submit=_("Add"))


@require_http_methods(["GET", "POST"])
def task_new(request, code: str):
    scope, plan = _plan_to_manage(request, code)
    group = plan.task_groups.filter(pk=request.GET.get("group") or 0).first()
    form = forms.TaskForm(
        request.POST if request.method == "POST" else None, plan=plan, group=group
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            task = tasks.add_task(
                actor=request.user, group=data["group"], title=data["title"],
                responsible=data["responsible"], due=data["due"], number=data["number"],
                scope=scope,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            number = f"{task.group.number}.{task.number}"
            messages.success(request, TASK_ADDED % {"number": number})
            return redirect("plans:task_detail", plan.code, task.pk)
    return _form_page(request, plan, form, title=_("New task"), submit=_("Add"))


@require_http_methods(["GET", "POST"])
def task_edit(request, code: str, pk: int):
    scope, plan = _plan_to_manage(request, code)
    task = task_selectors.task_for(plan, pk)
    form = forms.TaskForm(request.POST if request.method == "POST" else None, plan=plan, task=task)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            tasks.update_task(
                actor=request.user, task=task, title=data["title"],
                responsible=data["responsible"], due=data["due"],
                number=data["number"] or task.number, scope=scope,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, TASK_SAVED)
            return redirect("plans:task_detail", plan.code, task.pk)
    return _form_page(request, plan, form, title=_("Edit the task"), submit=_("Save"), task=task)


def _report_form(request, scope: Scope, plan: Plan, task: Task):
    """The report form for those who may report (None for the others)."""
    units = task_selectors.reporting_units(scope, task)
    if plan.status == Plan.Status.CLOSED or not units:
        return None
    if request.method == "POST":
        return forms.ReportForm(request.POST, request.FILES, task=task, units=units)
    return forms.ReportForm(task=task, units=units)


@require_GET
def task_detail(request, code: str, pk: int):
    scope, plan = _plan(request, code)
    task = _with_labels(task_selectors.task_for(plan, pk), scope, plan, False)
    return render(request, "plans/task.html", {
        "plan": plan, "tab": "tasks", "task": task,
        "updates": list(task_selectors.task_updates(task)),
        "may_manage": task_rules.may_manage(scope, plan) and plan.status != Plan.Status.CLOSED,
        "report_form": _report_form(request, scope, plan, task),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def task_report(request, code: str, pk: int):
    scope, plan = _plan(request, code)
    task = _with_labels(task_selectors.task_for(plan, pk), scope, plan, False)
    form = _report_form(request, scope, plan, task)
    if form is None:
        raise PermissionDenied
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            tasks.report_progress(
                actor=request.user, task=task, unit=data["unit"], on=data["on"],
                text=data["text"], status=data["status"], progress=data["progress"],
                files=data["files"], scope=scope,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, REPORTED)
            return redirect(reverse("plans:task_detail", args=[plan.code, task.pk]))
    return render(request, "plans/task_report.html", {
        "plan": plan, "tab": "tasks", "task": task, "report_form": form,
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_GET
def news(request, code: str):
    scope, plan = _plan(request, code)
    form = forms.NewsFilterForm(request.GET or None, scope=scope, plan=plan)
    unit = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else None
    page = task_selectors.news_page(plan, unit=unit, page=request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    template = "plans/news.html#news-feed" if _partial(request) else "plans/news.html"
    return render(request, template, {
        "plan": plan, "tab": "news", "form": form, "page": page, "unit": unit,
        "query": query.urlencode(),
    })  # fmt: skip


@require_GET
def task_attachment(request, code: str, pk: int):
    _scope, plan = _plan(request, code)
    attachment = task_selectors.attachment_for(plan, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(pk) from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)
