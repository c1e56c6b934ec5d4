"""A plan's progress report as an Excel file, for the plan's owner or a unit the user sees."""

import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from congdoan.accounts.scope import scope_for
from congdoan.core.dates import parse_date, today
from congdoan.org.models import Unit
from congdoan.plans import exports, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_DATE = _("“%(value)s” is not a date; write dd/mm/yyyy or yyyy-mm-dd.")


@require_GET
def export(request, code: str):
    scope = scope_for(request.user)
    plan = selectors.plan_for(scope, code)
    unit = plan.owner
    if unit_code := request.GET.get("unit", "").strip():
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None or not selectors.sees_unit(scope, unit):
            # A unit outside the scope: outsiders learn nothing, as on every unit page.
            raise Http404(unit_code)
    text = request.GET.get("as_of", "")
    try:
        as_of = parse_date(text)
    except ValueError:
        messages.error(request, BAD_DATE % {"value": text})
        return redirect("plans:detail", plan.code)
    if as_of is None:
        as_of = min(today(), plan.ends_on)
    out = tempfile.TemporaryFile()
    done = exports.write_progress_report(plan, scope, out, as_of=as_of, unit=unit)
    exports.record_export(actor=request.user, plan=plan, done=done)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=done.filename, content_type=XLSX)
