"""Import pages: the user's imports, a new upload, its check and confirmation, its run.

A job is seen only by the user who made it (administrators see all): others get 404. The
run itself happens in the worker (`congdoan worker`); the job's page polls its state.
"""

import io
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdoan.accounts.scope import scope_for
from congdoan.imports import forms, jobs, selectors, specs, workbooks
from congdoan.imports.models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rejected rows listed on the page (the download has them all).
SHOWN_ERRORS = 50


def _templates() -> list[dict]:
    return [{"kind": kind, "title": title} for kind, title in forms.kind_choices()]


@require_GET
def job_list(request):
    titles = dict(forms.kind_choices())
    found = list(selectors.visible_jobs(request.user)[: selectors.LISTED])
    for job in found:
        job.kind_title = titles.get(job.kind, job.kind)
    return render(
        request,
        "imports/list.html",
        {
            "jobs": found,
            "may_import": jobs.may_import(scope_for(request.user)),
            "templates": _templates(),
        },
    )


@require_http_methods(["GET", "POST"])
def job_new(request):
    if not jobs.may_import(scope_for(request.user)):
        raise PermissionDenied
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.create_job(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                options=form.options(),
            )
        except ValidationError as exc:
            raise PermissionDenied(exc.messages[0]) from exc
        if jobs.check_now(job):
            jobs.check_job(job)
        else:
            jobs.queue_check(job)
        return redirect("imports:detail", job=job.pk)
    return render(request, "imports/new.html", {"form": form, "templates": _templates()})


def _state_context(job: ImportJob) -> dict:
    done, total = jobs.progress_of(job)
    summary = job.result if job.status == ImportJob.Status.DONE else job.check_result
    errors = (summary or {}).get("errors", [])
    return {
        "job": job,
        "title": specs.get_spec(job.kind).title,
        "summary": summary,
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": max(0, (summary or {}).get("errors_total", 0) - SHOWN_ERRORS),
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
        "confirm_form": forms.ConfirmForm(),
        "Status": ImportJob.Status,
    }


@require_GET
def job_detail(request, job: int):
    found = selectors.get_job(request.user, job)
    return render(request, "imports/job.html", _state_context(found))


@require_GET
def job_state(request, job: int):
    """The part of the job's page that changes while it runs: polled every second."""
    found = selectors.get_job(request.user, job)
    return render(request, "imports/job.html#state", _state_context(found))


def _change(request, job: int, action) -> HttpResponse:
    found = selectors.get_job(request.user, job)
    try:
        action(found)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("imports:detail", job=found.pk)


@require_POST
def job_confirm(request, job: int):
    form = forms.ConfirmForm(request.POST)
    form.is_valid()
    skip_invalid = form.cleaned_data.get("skip_invalid", False)

    def confirm(found):
        jobs.confirm_job(actor=request.user, job=found, skip_invalid=skip_invalid)
        messages.success(request, _("The import is queued; this page follows its progress."))

    return _change(request, job, confirm)


@require_POST
def job_cancel(request, job: int):
    def cancel(found):
        jobs.cancel_job(actor=request.user, job=found)
        messages.success(request, _("The import has been cancelled."))

    return _change(request, job, cancel)


@require_GET
def job_rejects(request, job: int):
    found = selectors.get_job(request.user, job)
    if not found.rejects_file:
        raise Http404(job)
    name = f"{Path(found.original_name).stem}-loi.xlsx"
    return FileResponse(
        found.rejects_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX
    )


@require_GET
def template_download(request, kind: str):
    if kind not in specs.kinds():
        raise Http404(kind)
    return FileResponse(
        io.BytesIO(workbooks.template_workbook(kind)),
        as_attachment=True,
        filename=f"mau-{kind}.xlsx",
        content_type=XLSX,
    )
