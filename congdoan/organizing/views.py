"""Organizing pages: the board by stage, overdue next steps, one case, opening a case.

Every view starts from the user's scope: cases whose owner unit is outside it are 404.
Inside it, those who may found unions under the owner (Scope.can_place_under: managers of
the owner or of a unit above it, and administrators) change the case; the other roles read.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from congdoan.accounts.scope import Scope, scope_for
from congdoan.core.dates import today
from congdoan.organizing import forms, recognition, rules, selectors, services
from congdoan.organizing.models import Case, Stage

MOVED = {
    "next": _("%(enterprise)s has moved to “%(stage)s”."),
    "back": _("%(enterprise)s is back at “%(stage)s”."),
}
STATE_DONE = {
    "pause": _("The case of %(enterprise)s is paused."),
    "resume": _("The case of %(enterprise)s goes on."),
    "stop": _("The case of %(enterprise)s has stopped."),
}
OPENED = _("A case has been opened for %(enterprise)s.")
NEXT_STEP_SAVED = _("The next step has been saved.")
APPLICANT_ADDED = _("%(name)s has been added to the applicants.")
APPLICANT_REMOVED = _("%(name)s has been taken off the applicants.")
RECOGNISED = _("%(union)s has been founded with %(count)s members; %(enterprise)s is now covered.")


def may_change(scope: Scope, case: Case) -> bool:
    return scope.can_place_under(case.owner)


def _case_to_change(request, pk: int) -> tuple[Scope, Case]:
    scope = scope_for(request.user)
    case = selectors.case_for(scope, pk)
    if not may_change(scope, case):
        raise PermissionDenied
    return scope, case


def _board_context(scope: Scope) -> dict:
    columns = selectors.board(scope)
    counts = selectors.stage_counts(scope)
    top = max(counts.values(), default=0) or 1
    for column in columns:
        for case in column.cases:
            case.may_change = may_change(scope, case)
    return {
        "columns": columns,
        "bars": [
            {"label": label, "count": counts[stage], "pct": round(100 * counts[stage] / top)}
            for stage, label in Stage.choices
        ],
        "stopped": selectors.stopped_count(scope),
        "overdue": selectors.overdue(scope).count(),
        "today": today(),
        "last_moving_stage": Stage.CONGRESS,
    }


@require_GET
def board(request):
    scope = scope_for(request.user)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "organizing/board.html#board" if partial else "organizing/board.html"
    return render(request, template, _board_context(scope))


@require_GET
def overdue(request):
    scope = scope_for(request.user)
    return render(request, "organizing/overdue.html", {
        "cases": list(selectors.overdue(scope)[:500]), "today": today(),
    })  # fmt: skip


def _show_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@require_POST
def move(request, case: int, direction: str):
    if direction not in MOVED:
        raise Http404(direction)
    scope, found = _case_to_change(request, case)
    form = forms.MoveForm(request.POST, case=found)
    if form.is_valid():
        data, call = form.cleaned_data, None
        try:
            if direction == "next":
                call = services.advance(
                    actor=request.user, case=found, on=data["on"], note=data["note"],
                    from_stage=found.stage, scope=scope,
                )  # fmt: skip
            else:
                call = services.move_back(
                    actor=request.user, case=found, note=data["note"], from_stage=found.stage,
                    scope=scope,
                )  # fmt: skip
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, MOVED[direction] % {
                "enterprise": call.enterprise.name, "stage": call.get_stage_display(),
            })  # fmt: skip
    else:
        _show_errors(request, form)
    if request.POST.get("from") == "board":
        if request.htmx:
            return render(request, "organizing/board.html#board", _board_context(scope))
        return redirect("organizing:board")
    return _to_case(request, found)


def _to_case(request, case: Case):
    url = reverse("organizing:case", args=[case.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _case_page(request, scope: Scope, case: Case, **bound) -> object:
    changeable = may_change(scope, case)
    context = {
        "case": case,
        "events": list(case.events.select_related("actor").order_by("on", "pk")),
        "applicants": list(case.applicants.order_by("applied_on", "pk")),
        "may_change": changeable,
        "min_applicants": rules.min_applicants(),
        "congress_on": recognition.congress_on(case),
        "today": today(),
    }
    if changeable and case.is_open:
        context.update({
            "move_form": forms.MoveForm(case=case),
            "next_step_form": bound.get("next_step") or forms.NextStepForm(case=case),
            "applicant_form": bound.get("applicant") or forms.ApplicantForm(case=case),
            "pause_form": bound.get("pause") or forms.StateForm(case=case, prefix="pause"),
            "resume_form": bound.get("resume") or forms.StateForm(case=case, prefix="resume"),
            "stop_form": bound.get("stop") or forms.StateForm(case=case, prefix="stop"),
            "recognise_form": bound.get("recognise") or forms.RecogniseForm(case=case),
        })  # fmt: skip
    status = 400 if bound else 200
    return render(request, "organizing/case.html", context, status=status)


@require_GET
def case_detail(request, case: int):
    scope = scope_for(request.user)
    return _case_page(request, scope, selectors.case_for(scope, case))


def _form_action(request, pk: int, key: str, form_class, perform, **form_kwargs):
    """Scoped fetch → form → service → back to the case, or the page with what went wrong."""
    scope, case = _case_to_change(request, pk)
    form = form_class(request.POST, case=case, **form_kwargs)
    if form.is_valid():
        try:
            message = perform(scope, case, form)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, message)
            return _to_case(request, case)
    return _case_page(request, scope, case, **{key: form})


@require_POST
def next_step(request, case: int):
    def perform(scope, found, form):
        data = form.cleaned_data
        services.set_next_step(
            actor=request.user, case=found, next_step=data["next_step"],
            due=data["next_step_due"], notes=data["notes"], scope=scope,
        )  # fmt: skip
        return NEXT_STEP_SAVED

    return _form_action(request, case, "next_step", forms.NextStepForm, perform)


@require_POST
def change_state(request, case: int, action: str):
    calls = {"pause": services.pause, "resume": services.resume, "stop": services.stop}
    if action not in calls:
        raise Http404(action)

    def perform(scope, found, form):
        data = form.cleaned_data
        text = {"note": data["reason"]} if action == "resume" else {"reason": data["reason"]}
        calls[action](actor=request.user, case=found, on=data["on"], scope=scope, **text)
        return STATE_DONE[action] % {"enterprise": found.enterprise.name}

    return _form_action(request, case, action, forms.StateForm, perform, prefix=action)


@require_POST
def add_applicant(request, case: int):
    def perform(scope, found, form):
        person = form.person()
        services.add_applicant(actor=request.user, case=found, scope=scope, **person)
        return APPLICANT_ADDED % {"name": person["full_name"]}

    return _form_action(request, case, "applicant", forms.ApplicantForm, perform)


@require_POST
def remove_applicant(request, case: int, applicant: int):
    scope, found = _case_to_change(request, case)
    person = get_object_or_404(found.applicants, pk=applicant)
    form = forms.CaseForm(request.POST, case=found)
    if form.is_valid():
        try:
            services.remove_applicant(
                actor=request.user, applicant=person, reason=request.POST.get("reason", ""),
                scope=scope,
            )  # fmt: skip
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, APPLICANT_REMOVED % {"name": person.full_name})
    else:
        _show_errors(request, form)
    return _to_case(request, found)


@require_POST
def recognise(request, case: int):
    def perform(scope, found, form):
        data = form.cleaned_data
        done = recognition.recognise(
            actor=request.user, case=found, decision_number=data["decision_number"],
            decision_date=data["decision_date"], union_code=data["union_code"],
            union_name=data["union_name"], scope=scope,
        )  # fmt: skip
        return RECOGNISED % {
            "union": done.union.name, "count": done.applicants.count(),
            "enterprise": done.enterprise.name,
        }  # fmt: skip

    return _form_action(request, case, "recognise", forms.RecogniseForm, perform)


@require_http_methods(["GET", "POST"])
def new_case(request):
    scope = scope_for(request.user)
    enterprise = selectors.enterprise_for(
        scope, request.GET.get("enterprise") or request.POST.get("enterprise")
    )
    if not forms.owners_for(scope).exists():
        raise PermissionDenied
    form = forms.OpenCaseForm(
        request.POST if request.method == "POST" else None, scope=scope, enterprise=enterprise
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                actor=request.user, enterprise=enterprise, owner=data["owner"],
                on=data["opened_on"], note=data["note"], scope=scope,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, OPENED % {"enterprise": enterprise.name})
            return _to_case(request, case)
    return render(request, "organizing/new.html", {"form": form, "enterprise": enterprise},
                  status=400 if form.is_bound else 200)  # fmt: skip
