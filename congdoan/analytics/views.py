"""The progress dashboard and its one-page PDF, for a unit in the user's scope.

/dashboard/?plan=CODE&unit=CODE&as_of=dd/mm/yyyy&structure=as-was|current&indicator=CODE.
Blank fields take defaults: the plan in force that day, the user's unit, today (within
the plan's dates), the structure as it was. A unit or plan outside the user's sight is 404.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congdoan.accounts.scope import Scope, scope_for
from congdoan.analytics import forms, pdf, selectors
from congdoan.analytics.cache import remembered
from congdoan.analytics.templatetags.dashboard_tags import STATUS_LABELS
from congdoan.core.dates import format_date, today
from congdoan.core.text import nfc
from congdoan.org.models import Unit
from congdoan.plans.models import Plan

NO_PLAN = gettext_lazy("There is no plan to show progress against.")


@dataclass
class Question:
    form: forms.DashboardForm
    plans: list[Plan]
    plan: Plan | None
    unit: Unit | None
    as_of: dt.date
    structure: str
    indicator: str


def default_day(plan: Plan | None) -> dt.date:
    """Today, or the plan's last day once it is over (a closed plan is judged at its end)."""
    return min(today(), plan.ends_on) if plan is not None else today()


def ask(request, scope: Scope) -> Question:
    """What the request asks for, with the defaults filled in; 404 for an unseen plan/unit."""
    plans = selectors.plan_choices(scope)
    form = forms.DashboardForm(request.GET, plans=plans)
    form.is_valid()
    asked_on = form.value("as_of")
    if code := form.value("plan", "").strip():
        plan = next((p for p in plans if p.code == code), None)
        if plan is None:
            raise Http404(code)
    else:
        plan = selectors.default_plan(plans, scope, asked_on or today())
    if code := nfc(form.value("unit", "")).strip().upper():
        unit = scope.get_unit(code)
    elif plan is not None and scope.contains(plan.owner):
        # Above the plan's owner (a city over a merged province), the owner's figures are
        # the ones that have targets.
        unit = plan.owner
    else:
        unit = selectors.default_unit(scope, plan)
    question = Question(
        form=form,
        plans=plans,
        plan=plan,
        unit=unit,
        as_of=asked_on or default_day(plan),
        structure=form.value("structure", selectors.AS_WAS),
        indicator=form.value("indicator", ""),
    )
    if plan is not None:
        form.set_indicators(selectors.plan_indicators(plan))
    return question


def query_of(question: Question, **changes) -> str:
    """The query string of the page showing `question`, with `changes` applied."""
    values = {
        "plan": question.plan.code if question.plan else "",
        "unit": question.unit.code if question.unit else "",
        "as_of": format_date(question.as_of),
        "structure": question.structure,
        "indicator": question.indicator,
    }
    values.update(changes)
    return urlencode({k: v for k, v in values.items() if v})


def month_label(day: dt.date) -> str:
    return day.strftime("%m/%Y")


def chart_data(board: selectors.Dashboard) -> dict:
    """What dashboard.js draws, as plain JSON (read through json_script: no inline script)."""
    series = board.series
    measure = board.indicator.measure if board.indicator else ""
    line = None
    if series is not None:
        line = {
            "title": board.indicator.name,
            "measure": measure,
            "labels": [month_label(m) for m in series.months],
            "actual": series.actual,
            "target": series.target,
            "forecast": series.forecast,
            "low": series.low,
            "high": series.high,
            "names": {
                "actual": _("Actual"),
                "target": _("Target path"),
                "forecast": _("Forecast"),
                "low": _("Forecast, low"),
                "high": _("Forecast, high"),
                "band": _("Forecast range"),
            },
        }
    rows = [r for r in board.rows if r.figures is not None and r.figures.achieved_pct is not None]
    bars = {
        "labels": [r.unit.name for r in rows],
        "values": [round(r.figures.achieved_pct, 1) for r in rows],
        "statuses": [r.figures.status for r in rows],
        "name": _("Share of the target achieved"),
        "status_labels": {k: str(v) for k, v in STATUS_LABELS.items()},
    }
    return {"line": line, "bars": bars}


def _display_form(question: Question, board) -> forms.DashboardForm:
    """The form as the page shows it: the values used, and what could not be read."""
    data = {
        "plan": question.plan.code if question.plan else "",
        "unit": question.unit.code if question.unit else "",
        "as_of": format_date(question.as_of),
        "structure": question.structure,
        "indicator": board.indicator.code if board and board.indicator else "",
    }
    for name in question.form.errors:
        data[name] = question.form.data.get(name, "")
    form = forms.DashboardForm(data, plans=question.plans)
    form.fields["indicator"].widget.choices = question.form.fields["indicator"].widget.choices
    form.is_valid()
    return form


@require_GET
def dashboard(request):
    scope = scope_for(request.user)
    question = ask(request, scope)
    # The page's body depends only on the question, who may see what, the language and the
    # data: rendered once, it is kept until the data change (analytics.cache).
    seen_from = None if scope.is_everything else getattr(scope.unit, "pk", 0)
    key = (
        "dashboard",
        sorted(request.GET.items()),
        question.plan.pk if question.plan else None,
        question.unit.pk if question.unit else None,
        question.as_of,
        question.structure,
        seen_from,
        get_language(),
    )
    # Rendered here from our own template, so safe to show as it is.
    body = mark_safe(remembered("dashboard_body", key, lambda: _body(request, scope, question)))  # noqa: S308
    title = question.unit.name if question.unit is not None else ""
    return render(request, "analytics/dashboard.html", {"body": body, "title_unit": title})


def _body(request, scope: Scope, question: Question) -> str:
    context = {"question": question, "as_of_text": format_date(question.as_of)}
    board = None
    missing = (
        question.unit is not None
        and question.structure == selectors.AS_WAS
        and not selectors.existed(question.unit, question.as_of)
    )
    if missing:
        # A unit founded later (a city union after the 2025 merger) had no figures that day
        # as the structure was; restated, its history is there.
        context["missing"] = True
        context["current_query"] = query_of(question, structure=selectors.CURRENT)
    elif question.plan is not None and question.unit is not None:
        board = selectors.dashboard(
            scope, question.plan, question.unit, as_of=question.as_of,
            structure=question.structure, indicator_code=question.indicator,
        )  # fmt: skip
        shown = question.indicator if board.indicator is None else board.indicator.code
        context.update(
            board=board,
            chart=chart_data(board),
            unit_query=query_of(question, unit="", indicator=shown),
            as_was_query=query_of(question, structure=selectors.AS_WAS, indicator=shown),
            current_query=query_of(question, structure=selectors.CURRENT, indicator=shown),
            pdf_url=f"{reverse('analytics:summary_pdf')}?{query_of(question)}",
        )
    form = context["form"] = _display_form(question, board)
    if board and board.indicator and question.indicator not in ("", board.indicator.code):
        form.add_error("indicator", forms.INDICATOR_NOT_IN_PLAN % {
            "code": question.indicator, "shown": board.indicator.name,
        })  # fmt: skip
    context["bad_question"] = bool(form.errors)
    return render_to_string("analytics/_dashboard_body.html", context, request)


@require_GET
def summary_pdf(request):
    scope = scope_for(request.user)
    question = ask(request, scope)
    back = f"{reverse('analytics:dashboard')}?{request.GET.urlencode()}"
    if question.form.errors:
        # A PDF of another day than the one asked for would mislead a meeting.
        for errors in question.form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    if question.plan is None or question.unit is None:
        messages.error(request, NO_PLAN)
        return redirect(back)
    if question.structure == selectors.AS_WAS and not selectors.existed(
        question.unit, question.as_of
    ):
        return redirect(back)  # the page says why and offers today's structure
    board = selectors.dashboard(
        scope, question.plan, question.unit, as_of=question.as_of,
        structure=question.structure, indicator_code=question.indicator,
    )  # fmt: skip
    content = pdf.summary(board)
    pdf.record_export(actor=request.user, board=board)
    name = f"tien-do-{board.plan.code}-{board.unit.code}-{board.as_of:%Y%m%d}.pdf"
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
