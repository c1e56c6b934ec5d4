"""Imports run from the web: make a job, check it, confirm it, and the worker's side.

Progress is written to a small JSON file per job (VAR_DIR/jobs/<id>.json), not to the
database: the worker's import holds one transaction for the whole file, and on SQLite
that transaction holds the only write lock, so a progress row written from a second
connection would wait for the import itself; the page would see nothing before the end.
A file works the same for SQLite and PostgreSQL, for any number of processes on the
machine. It also carries the worker's heartbeat: a running job whose heartbeat is stale
was killed, its transaction rolled back, and the next worker start queues it again.
"""

import datetime as dt
import io
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import ENTER_DATA_ROLES, Scope, scope_for
from congdoan.core import audit
from congdoan.core.errors import fail
from congdoan.imports import errors
from congdoan.imports.models import ImportJob
from congdoan.imports.pipeline import ImportResult, run_import
from congdoan.imports.specs import get_spec

Status = ImportJob.Status

#: Files up to this size are checked during the upload; larger ones by the worker.
CHECK_NOW_BYTES = 2 * 1024 * 1024
#: Row errors kept with a job (the count is always complete).
KEPT_ERRORS = 1000
#: How often a running job's heartbeat is written, and when it counts as stale.
HEARTBEAT_SECONDS = 10
STALE_AFTER = dt.timedelta(minutes=2)
#: A job killed this many times is failed rather than queued again.
MAX_ATTEMPTS = 3

NOT_ALLOWED = _("Your role does not allow importing data.")
NOT_CONFIRMABLE = _("This import cannot be confirmed now (it is %(status)s).")
NOT_CANCELLABLE = _("This import can no longer be cancelled (it is %(status)s).")
NO_USER = _("The user who made this import no longer exists.")
KILLED_TOO_OFTEN = _("The import was stopped %(count)s times before it could finish.")
UNEXPECTED = _("The import stopped on an unexpected error: %(error)s")


def may_import(scope: Scope) -> bool:
    """Importing writes units, enterprises, targets or members: a role that enters data."""
    return scope.is_everything or (scope.role in ENTER_DATA_ROLES and scope.unit is not None)


# --- progress files ------------------------------------------------------------------------


def progress_dir() -> Path:
    return Path(getattr(settings, "IMPORT_PROGRESS_DIR", None) or settings.VAR_DIR / "jobs")


def _progress_path(job_id: int) -> Path:
    return progress_dir() / f"{job_id}.json"


def write_progress(job_id: int, done: int, total: int) -> None:
    """Replace the job's progress file in one step, so a reader never sees half of it."""
    folder = progress_dir()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{job_id}.{os.getpid()}.{threading.get_ident()}.tmp"
    temporary.write_text(json.dumps({"done": done, "total": total, "at": time.time()}))
    os.replace(temporary, _progress_path(job_id))


def read_progress(job_id: int) -> dict | None:
    try:
        return json.loads(_progress_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def clear_progress(job_id: int) -> None:
    _progress_path(job_id).unlink(missing_ok=True)


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows total): the live file while the job runs, else what the job kept."""
    if job.status == Status.RUNNING:
        found = read_progress(job.pk)
        if found:
            return found["done"], found["total"]
    return job.rows_done, job.rows_total


# --- what the pages do ---------------------------------------------------------------------


def _snapshot(job: ImportJob) -> dict:
    return audit.snapshot(job, ["kind", "options", "original_name", "status", "skip_invalid"])


def create_job(*, actor, kind: str, upload, options: dict[str, Any]) -> ImportJob:
    """Store the uploaded file as a new job of `actor`."""
    scope = scope_for(actor)
    if not may_import(scope):
        fail(NOT_ALLOWED, "not_allowed")
    get_spec(kind)
    with transaction.atomic():
        job = ImportJob(
            user=actor, unit=actor.unit, kind=kind, options=options, original_name=upload.name
        )
        job.file.save(upload.name, upload, save=False)
        job.save()
        audit.record(
            actor=actor, obj=job, action="create", after=_snapshot(job), operation="import_upload"
        )
    return job


def check_now(job: ImportJob) -> bool:
    """Whether the upload is small enough to be checked during the request."""
    return job.file.size <= CHECK_NOW_BYTES


def check_job(job: ImportJob) -> ImportJob:
    """The dry run, now: the job becomes checked, or failed when the file is unusable."""
    _run(job, dry_run=True)
    return job


def queue_check(job: ImportJob) -> ImportJob:
    """Leave the dry run of a large file to the worker."""
    ImportJob.objects.filter(pk=job.pk).update(status=Status.QUEUED, dry_run=True)
    job.refresh_from_db()
    return job


def confirm_job(*, actor, job: ImportJob, skip_invalid: bool) -> ImportJob:
    """Queue the real import of a checked job."""
    if not may_import(scope_for(actor)):
        fail(NOT_ALLOWED, "not_allowed")
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.CHECKED:
            fail(NOT_CONFIRMABLE, "not_confirmable", status=job.get_status_display())
        before = _snapshot(job)
        job.status, job.dry_run, job.skip_invalid = Status.QUEUED, False, skip_invalid
        job.rows_done = job.rows_total = 0
        job.save()
        audit.record(
            actor=actor, obj=job, action="update", before=before, after=_snapshot(job),
            operation="import_confirm",
        )  # fmt: skip
    return job


def cancel_job(*, actor, job: ImportJob) -> ImportJob:
    """Drop a job that has not started its real run."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in (Status.UPLOADED, Status.CHECKED, Status.QUEUED, Status.FAILED):
            fail(NOT_CANCELLABLE, "not_cancellable", status=job.get_status_display())
        before = _snapshot(job)
        job.status, job.finished_at = Status.CANCELLED, timezone.now()
        job.save()
        audit.record(
            actor=actor, obj=job, action="update", before=before, after=_snapshot(job),
            operation="import_cancel",
        )  # fmt: skip
    return job


# --- the worker's side ---------------------------------------------------------------------


def claim_next() -> ImportJob | None:
    """Take the oldest queued job, so that no other worker takes it too."""
    now = timezone.now()
    claimed = {
        "status": Status.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "error": "",
    }
    queued = ImportJob.objects.filter(status=Status.QUEUED).order_by("created_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            job = queued.select_for_update(skip_locked=True).first()
            if job is None:
                return None
            ImportJob.objects.filter(pk=job.pk).update(**claimed, attempts=job.attempts + 1)
    else:
        # SQLite has no row locks: the UPDATE … WHERE status='queued' claims atomically and
        # tells whether this worker won.
        for job in queued[:20]:
            won = ImportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
                **claimed, attempts=job.attempts + 1
            )
            if won:
                break
        else:
            return None
    job.refresh_from_db()
    return job


def requeue_stale(older_than: dt.timedelta = STALE_AFTER) -> int:
    """Queue again the running jobs whose worker stopped; their writes were rolled back."""
    cutoff = time.time() - older_than.total_seconds()
    count = 0
    for job in ImportJob.objects.filter(status=Status.RUNNING):
        beats = [job.heartbeat_at.timestamp() if job.heartbeat_at else 0]
        found = read_progress(job.pk)
        if found:
            beats.append(found["at"])
        if max(beats) > cutoff:
            continue
        if job.attempts >= MAX_ATTEMPTS:
            changes = {
                "status": Status.FAILED,
                "finished_at": timezone.now(),
                "error": str(KILLED_TOO_OFTEN) % {"count": job.attempts},
            }
        else:
            changes = {"status": Status.QUEUED}
        count += ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(**changes)
        clear_progress(job.pk)
    return count


class _Heartbeat:
    """Keeps the progress file fresh while rows take long, from a thread of its own."""

    def __init__(self, job_id: int) -> None:
        self.job_id, self.done, self.total = job_id, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        write_progress(self.job_id, done, total)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            write_progress(self.job_id, self.done, self.total)

    def __enter__(self):
        write_progress(self.job_id, 0, 0)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_job(job: ImportJob, *, progress=None) -> ImportJob:
    """Run a claimed job: its import and its new state commit together, or neither does.

    `progress(done, total)` is called beside the progress file (tests stop a run with it).
    KeyboardInterrupt and SystemExit go through: the job stays running and is queued again
    once its heartbeat is stale, like a job whose worker was killed.
    """
    with _Heartbeat(job.pk) as beat:

        def report(done: int, total: int) -> None:
            beat(done, total)
            if progress is not None:
                progress(done, total)

        _run(job, dry_run=job.dry_run, progress=report)
    clear_progress(job.pk)
    return job


def _run(job: ImportJob, *, dry_run: bool, progress=None) -> None:
    finished = Status.CHECKED if dry_run else Status.DONE
    try:
        if job.user is None:
            raise errors.ImportFileError(NO_USER, code="no_user")
        with transaction.atomic():
            with job.file.open("rb") as source:
                result = run_import(
                    kind=job.kind,
                    source=source,
                    name=job.original_name,
                    actor=job.user,
                    scope=scope_for(job.user),
                    dry_run=dry_run,
                    skip_invalid=job.skip_invalid,
                    options=job.options,
                    progress=progress,
                )
            _finish(job, result, status=finished, dry_run=dry_run)
    except errors.ImportFileError as exc:
        _finish_failed(job, exc.message)
    except Exception as exc:  # the job must record why it stopped
        _finish_failed(job, str(UNEXPECTED) % {"error": exc})


def _finish(job: ImportJob, result: ImportResult, *, status: str, dry_run: bool) -> None:
    summary = summarise(result)
    job.status, job.finished_at, job.error = status, timezone.now(), ""
    job.rows_done = job.rows_total = result.rows
    if dry_run:
        job.check_result = summary
    else:
        job.result = summary
    if result.rejected:
        buffer = io.BytesIO()
        # Imported here: rejects.py imports the pipeline, and the pages need it only then.
        from congdoan.imports.rejects import write_rejects

        write_rejects(result, buffer)
        stem = Path(job.original_name).stem
        job.rejects_file.save(f"{stem}-loi.xlsx", ContentFile(buffer.getvalue()), save=False)
    elif job.rejects_file:
        job.rejects_file = ""
    job.save()


def _finish_failed(job: ImportJob, message: str) -> None:
    job.status, job.finished_at, job.error = Status.FAILED, timezone.now(), message
    job.save()


def summarise(result: ImportResult) -> dict:
    """The result as kept with a job: counts, errors (the first KEPT_ERRORS), the mapping."""
    data = result.as_dict()
    data["errors_total"] = len(data["errors"])
    data["errors"] = data["errors"][:KEPT_ERRORS]
    labels = {c.key: str(c.label) for c in get_spec(result.kind).columns}
    layout = result.layout
    data["mapping"] = (
        [
            {
                "header": layout.headers.get(key, ""),
                "column": labels.get(key) or layout.headers.get(key, key),
                "key": key,
            }
            for key in sorted(layout.columns, key=layout.columns.get)
        ]
        if layout
        else []
    )
    data["not_found"] = [
        labels[key] for key in labels if layout is None or key not in layout.columns
    ]
    return data


def run_queue(
    *,
    once: bool = False,
    should_stop=lambda: False,
    poll: float = 2.0,
    stale_after: dt.timedelta = STALE_AFTER,
) -> int:
    """Run queued jobs one at a time; with `once`, until the queue is empty. Jobs run."""
    requeue_stale(stale_after)
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        while not should_stop():
            job = claim_next()
            if job is None:
                if once:
                    break
                time.sleep(poll)
                requeue_stale(stale_after)
                continue
            run_job(job)
            count += 1
    return count
