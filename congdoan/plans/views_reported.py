"""Pages where units report the figures of reported indicators.

The grid lists the units whose figures the user may enter (Scope.can_enter_data: a clerk's
own union; a manager's unit and the units under it; everything for administrators) as the
structure stood on the last day of the span. A unit code outside the user's scope is 404;
users who enter no figures at all (viewers, approvers) get 403. Saving is all or nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.accounts.scope import ENTER_DATA_ROLES, scope_for
from congdoan.core.dates import format_date, today
from congdoan.plans import forms_reported, reporting, values
from congdoan.plans.models import Indicator, Source

SAVED = _("Figures saved: %(count)s changed.")
NOTHING_CHANGED = _("No figure has changed.")


@require_GET
def reported_list(request):
    indicators = Indicator.objects.filter(source=Source.REPORTED).order_by("code")
    return render(
        request,
        "plans/reported_list.html",
        {"indicators": indicators, "year": today().year - 1},
    )


def _without_unit(query) -> str:
    """The page's query string without its unit, ready for another unit to be appended."""
    rest = query.copy()
    rest.pop("unit", None)
    return f"{rest.urlencode()}&" if rest else ""


@require_http_methods(["GET", "POST"])
def reported_entry(request, code: str):
    scope = scope_for(request.user)
    indicator = get_object_or_404(Indicator, code=code, source=Source.REPORTED)
    if not scope.is_everything and (scope.role not in ENTER_DATA_ROLES or scope.unit is None):
        raise PermissionDenied
    span_form = forms_reported.SpanForm(request.GET)
    top = scope.get_unit(span_form.unit_code()) if span_form.unit_code() else scope.unit
    start, end = span_form.span()
    grid = values.entry_grid(scope, indicator, top, start, end)
    form = forms_reported.EntryForm(
        request.POST if request.method == "POST" else None, rows=grid.rows
    )
    if form.is_bound and form.is_valid():
        try:
            reporting.report_values(
                actor=request.user, indicator=indicator, starts_on=start, ends_on=end,
                figures=form.changes, reason=form.cleaned_data["reason"], scope=scope,
            )  # fmt: skip
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if form.changes:
                messages.success(request, SAVED % {"count": len(form.changes)})
            else:
                messages.info(request, NOTHING_CHANGED)
            return redirect(request.get_full_path())
    context = {
        "indicator": indicator, "span_form": span_form, "form": form, "grid": grid,
        "top": top, "start": format_date(start), "end": format_date(end),
        "max_rows": values.MAX_GRID_ROWS, "drill_query": _without_unit(request.GET),
    }  # fmt: skip
    return render(
        request, "plans/reported_entry.html", context, status=400 if form.is_bound else 200
    )
