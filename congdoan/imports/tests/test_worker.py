"""`congdoan worker` and the worker `congdoan serve` starts beside gunicorn."""

import io
import os
import sys

import pytest
from django.core.management import call_command

from congdoan.imports import jobs
from congdoan.imports.management.commands.worker import Command
from congdoan.imports.models import ImportJob
from congdoan.imports.tests.jobfiles import (  # noqa: F401 - progress_in_tmp is a fixture
    progress_in_tmp,
    units_upload,
)
from congdoan.org.models import Unit
from congdoan.web.management.commands import serve

pytestmark = pytest.mark.usefixtures("progress_in_tmp")


@pytest.mark.django_db
def test_worker_once_runs_the_queue_and_exits(users, tmp_path):
    job = jobs.create_job(
        actor=users.district_manager, kind="units", upload=units_upload(tmp_path), options={}
    )
    jobs.check_job(job)
    jobs.confirm_job(actor=users.district_manager, job=job, skip_invalid=False)
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Unit.objects.filter(code="DA-3").exists()
    assert "1" in out.getvalue()
    call_command("worker", "--once", stdout=out)  # an empty queue is fine


def test_the_worker_notices_when_its_parent_is_gone():
    assert not Command._orphan(None)
    assert not Command._orphan(os.getppid())
    assert Command._orphan(os.getppid() + 1_000_000)


def test_serve_starts_a_worker_then_becomes_gunicorn(monkeypatch):
    started, execs = [], []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda argv, **kw: started.append(argv))
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: execs.append(argv))
    call_command("serve", "--no-collectstatic", stdout=io.StringIO())
    assert started == [
        [sys.executable, "-m", "congdoan", "worker", "--with-parent", str(os.getpid())]
    ]
    assert execs[0][:3] == [sys.executable, "-m", "gunicorn"]

    started.clear()
    call_command("serve", "--no-collectstatic", "--no-worker", stdout=io.StringIO())
    assert started == [] and len(execs) == 2
