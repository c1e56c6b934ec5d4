"""Import jobs: check, confirm, run by the worker, killed midway, stale, claimed once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from congdoan.core.models import AuditEntry
from congdoan.imports import jobs, pipeline
from congdoan.imports.models import ImportJob
from congdoan.imports.readers import read_tables
from congdoan.imports.tests.jobfiles import (  # noqa: F401 - progress_in_tmp is a fixture
    BAD_UNIT,
    NEW_UNITS,
    progress_in_tmp,
    units_upload,
)
from congdoan.org.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("progress_in_tmp")]
Status = ImportJob.Status


def new_job(users, tmp_path, rows=NEW_UNITS, user=None):
    job = jobs.create_job(
        actor=user or users.district_manager,
        kind="units",
        upload=units_upload(tmp_path, rows),
        options={},
    )
    return jobs.check_job(job)


def test_check_reads_the_mapping_and_counts_without_writing(users, tmp_path):
    units = Unit.objects.count()
    job = new_job(users, tmp_path)
    assert job.status == Status.CHECKED
    assert Unit.objects.count() == units
    summary = job.check_result
    assert (summary["rows"], summary["created"], summary["rejected"]) == (3, 3, 0)
    assert summary["dry_run"] and not summary["written"]
    assert {"header": "Mã đơn vị cấp trên", "column": "Mã đơn vị cấp trên", "key": "parent"} in (
        summary["mapping"]
    )
    assert summary["not_found"] == ["Ngày hiệu lực"]
    assert summary["header_rows"] == [3]
    entry = AuditEntry.objects.get(object_type="imports.importjob", object_id=str(job.pk))
    assert entry.operation == "import_upload" and entry.actor == users.district_manager


def test_confirm_then_the_worker_imports_with_the_users_name(users, tmp_path):
    job = new_job(users, tmp_path)
    jobs.confirm_job(actor=users.district_manager, job=job, skip_invalid=False)
    job.refresh_from_db()
    assert job.status == Status.QUEUED and not job.dry_run
    assert AuditEntry.objects.filter(operation="import_confirm", object_id=str(job.pk)).exists()

    assert jobs.run_queue(once=True) == 1
    job.refresh_from_db()
    assert job.status == Status.DONE and job.finished_at and job.attempts == 1
    assert (job.result["created"], job.result["written"]) == (3, True)
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert Unit.objects.get(code="DA-4").parent.code == "DA"
    assert AuditEntry.objects.filter(object_type="org.unit", actor=users.district_manager).exists()
    assert jobs.read_progress(job.pk) is None
    with pytest.raises(ValidationError):
        jobs.confirm_job(actor=users.district_manager, job=job, skip_invalid=False)


def test_rejected_rows_write_nothing_and_give_a_file_to_fix(users, tmp_path):
    job = new_job(users, tmp_path, [*NEW_UNITS, BAD_UNIT])
    assert job.check_result["rejected"] == 1 and job.rejects_file
    jobs.confirm_job(actor=users.district_manager, job=job, skip_invalid=False)
    jobs.run_queue(once=True)
    job.refresh_from_db()
    assert job.status == Status.DONE and not job.result["written"]
    assert not Unit.objects.filter(code="DA-3").exists()
    assert job.result["errors"][0]["row"] == 7
    with job.rejects_file.open("rb") as handle:
        rows = read_tables(handle, name="loi.xlsx")[0].rows
    assert any("KHONG-CO" in [str(c) for c in row] for row in rows)


def test_skip_invalid_keeps_the_valid_rows(users, tmp_path):
    job = new_job(users, tmp_path, [*NEW_UNITS, BAD_UNIT])
    jobs.confirm_job(actor=users.district_manager, job=job, skip_invalid=True)
    jobs.run_queue(once=True)
    job.refresh_from_db()
    assert job.result["written"] and job.result["created"] == 3 and job.result["rejected"] == 1
    assert Unit.objects.filter(code="DA-5").exists()


def test_a_run_killed_midway_leaves_nothing_and_completes_when_run_again(
    users, tmp_path, monkeypatch
):
    job = new_job(users, tmp_path)
    jobs.confirm_job(actor=users.district_manager, job=job, skip_invalid=False)
    monkeypatch.setattr(pipeline, "PROGRESS_EVERY", 1)
    seen = []

    def kill_after_two_rows(done, total):
        seen.append((done, total))
        if done == 2:
            raise KeyboardInterrupt

    claimed = jobs.claim_next()
    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(claimed, progress=kill_after_two_rows)
    assert seen == [(0, 3), (1, 3), (2, 3)]
    # The first two rows were written, then rolled back with the job's transaction.
    assert not Unit.objects.filter(code__in=["DA-3", "DA-4"]).exists()
    job.refresh_from_db()
    assert job.status == Status.RUNNING
    assert jobs.read_progress(job.pk)["done"] == 2
    assert jobs.requeue_stale() == 0  # its heartbeat is fresh: maybe another worker runs it

    assert jobs.requeue_stale(older_than=dt.timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    jobs.run_queue(once=True)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.attempts == 2 and job.result["created"] == 3
    assert Unit.objects.filter(code__in=["DA-3", "DA-4", "DA-5"]).count() == 3


def test_a_stale_running_job_is_queued_again_then_failed_after_too_many_tries(users, tmp_path):
    job = new_job(users, tmp_path)
    old = timezone.now() - dt.timedelta(minutes=10)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, heartbeat_at=old, attempts=1)
    assert jobs.requeue_stale() == 1
    job.refresh_from_db()
    assert job.status == Status.QUEUED

    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, heartbeat_at=old, attempts=jobs.MAX_ATTEMPTS
    )
    assert jobs.requeue_stale() == 1
    job.refresh_from_db()
    assert job.status == Status.FAILED and "3" in job.error


def test_a_queued_job_is_claimed_once(users, tmp_path):
    job = new_job(users, tmp_path)
    jobs.confirm_job(actor=users.district_manager, job=job, skip_invalid=False)
    first, second = jobs.claim_next(), jobs.claim_next()
    assert first.pk == job.pk and first.status == Status.RUNNING and second is None


def test_an_unusable_file_fails_with_its_reason(users, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = jobs.create_job(
        actor=users.district_manager,
        kind="units",
        upload=SimpleUploadedFile("hong.xlsx", b"not a workbook"),
        options={},
    )
    jobs.check_job(job)
    assert job.status == Status.FAILED and "hong.xlsx" in job.error


def test_a_large_file_is_checked_by_the_worker(users, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "CHECK_NOW_BYTES", 10)
    job = jobs.create_job(
        actor=users.district_manager, kind="units", upload=units_upload(tmp_path), options={}
    )
    assert not jobs.check_now(job)
    jobs.queue_check(job)
    assert job.status == Status.QUEUED and job.dry_run
    jobs.run_queue(once=True)
    job.refresh_from_db()
    assert job.status == Status.CHECKED and job.check_result["created"] == 3
    assert not Unit.objects.filter(code="DA-3").exists()


def test_the_run_uses_the_users_scope(users, tmp_path):
    # District B's manager may not put units under district A: every row is rejected.
    job = new_job(users, tmp_path, user=users.district_b_manager)
    assert job.check_result["rejected"] == 3


def test_a_viewer_may_not_import(users, tmp_path):
    with pytest.raises(ValidationError):
        jobs.create_job(
            actor=users.district_viewer, kind="units", upload=units_upload(tmp_path), options={}
        )
