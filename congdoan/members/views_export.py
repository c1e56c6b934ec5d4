"""The member list as an Excel file: same GET parameters, same scope as the list page."""

import tempfile

from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from congdoan.accounts.scope import scope_for
from congdoan.members import exports, forms
from congdoan.members.views import may_keep_records

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _described(form: forms.FilterForm) -> list[tuple[str, str]]:
    """(label, value as the user sees it) of each filter given."""
    shown = []
    for field in form:
        value = form.cleaned_data.get(field.name)
        if value in (None, ""):
            continue
        choices = dict(getattr(field.field, "choices", ()) or ())
        text = choices.get(value, value)
        if field.name == "unit":
            text = f"{value.name} ({value.code})"
        shown.append((str(field.label), str(text)))
    return shown


@require_GET
def export(request):
    scope = scope_for(request.user)
    form = forms.FilterForm(request.GET, scope=scope)
    if not form.is_valid():
        if "unit" in form.errors:
            # A unit outside the scope: outsiders learn nothing, as on every unit page.
            raise Http404
        query = request.GET.urlencode()
        return redirect(reverse("members:list") + (f"?{query}" if query else ""))
    filters = form.filters()
    out = tempfile.TemporaryFile()
    done = exports.write_member_list(
        scope=scope,
        filters=filters,
        described=_described(form),
        may_see_national_id=lambda span: may_keep_records(scope, span),
        out=out,
    )
    query = {key: value for key, value in request.GET.items() if key in form.fields and value}
    exports.record_export(
        actor=request.user, scope=scope, unit=filters["unit"], query=query, rows=done.rows
    )
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=done.filename, content_type=XLSX)
