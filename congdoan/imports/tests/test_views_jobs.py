"""The import pages: upload and preview, confirm, the polled state, downloads, who sees what."""

import io

import pytest
from django.urls import reverse

from congdoan.imports import jobs, specs, workbooks
from congdoan.imports.headers import locate
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
PASSWORD = "test-pass-123"


@pytest.fixture
def manager(client, users):
    client.force_login(users.district_manager)
    return client


def upload(client, tmp_path, rows=NEW_UNITS, **data):
    return client.post(
        reverse("imports:new"), {"kind": "units", "file": units_upload(tmp_path, rows), **data}
    )


def test_upload_shows_the_mapping_and_the_dry_run(manager, tmp_path):
    response = upload(manager, tmp_path, [*NEW_UNITS, BAD_UNIT])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[job.pk])
    page = manager.get(response.url).content.decode()
    assert 'id="import-mapping"' in page and "Mã đơn vị cấp trên" in page
    assert 'id="count-created">3<' in page and 'id="count-rejected">1<' in page
    assert "KHONG-CO" in page and 'id="confirm-form"' in page and "skip_invalid" in page
    assert 'id="download-rejects"' in page
    assert "hx-trigger" not in page
    assert not Unit.objects.filter(code="DA-3").exists()


def test_confirm_polls_until_the_worker_is_done(manager, tmp_path):
    job_url = upload(manager, tmp_path).url
    job = ImportJob.objects.get()
    response = manager.post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    page = manager.get(job_url).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'id="job-progress"' in page
    jobs.run_queue(once=True)
    state = manager.get(reverse("imports:state", args=[job.pk])).content.decode()
    assert "hx-trigger" not in state and "<html" not in state
    assert 'id="count-created">3<' in state and 'id="job-outcome"' in state
    assert Unit.objects.filter(code__in=["DA-3", "DA-4", "DA-5"]).count() == 3


def test_confirm_with_skip_invalid(manager, tmp_path):
    upload(manager, tmp_path, [*NEW_UNITS, BAD_UNIT])
    job = ImportJob.objects.get()
    manager.post(reverse("imports:confirm", args=[job.pk]), {"skip_invalid": "on"})
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.skip_invalid
    jobs.run_queue(once=True)
    assert Unit.objects.filter(code="DA-3").exists()
    response = manager.get(reverse("imports:rejects", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    table = read_tables(io.BytesIO(b"".join(response.streaming_content)), name="x.xlsx")[0]
    assert any("KHONG-CO" in [str(c) for c in row] for row in table.rows)


def test_the_list_shows_only_the_users_own_jobs(client, users, tmp_path):
    client.force_login(users.district_manager)
    upload(client, tmp_path)
    page = client.get(reverse("imports:list")).content.decode()
    assert "don-vi.xlsx" in page and "<td>Đơn vị</td>" in page
    assert 'href="/imports/templates/members.xlsx"' in page
    client.force_login(users.district_b_manager)
    assert "don-vi.xlsx" not in client.get(reverse("imports:list")).content.decode()
    client.force_login(users.admin)
    assert "don-vi.xlsx" in client.get(reverse("imports:list")).content.decode()


def test_someone_elses_job_is_404(client, users, tmp_path):
    client.force_login(users.district_manager)
    upload(client, tmp_path, [*NEW_UNITS, BAD_UNIT])
    job = ImportJob.objects.get()
    client.force_login(users.district_b_manager)
    for name in ("detail", "state", "rejects"):
        assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    for name in ("confirm", "cancel"):
        assert client.post(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.CHECKED


def test_cancel(manager, tmp_path):
    upload(manager, tmp_path)
    job = ImportJob.objects.get()
    manager.post(reverse("imports:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    response = manager.post(reverse("imports:confirm", args=[job.pk]), follow=True)
    assert response.status_code == 200 and b"message error" in response.content
    job.refresh_from_db()
    assert job.status == Status.CANCELLED


def test_anonymous_users_are_sent_to_sign_in(client, users):
    for url in (reverse("imports:list"), reverse("imports:new"), "/imports/1/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_viewer_may_look_but_not_upload(client, users):
    client.force_login(users.district_viewer)
    page = client.get(reverse("imports:list")).content.decode()
    assert 'id="new-import"' not in page
    assert client.get(reverse("imports:new")).status_code == 403


def test_the_form_refuses_other_files_and_missing_options(manager, tmp_path):
    response = manager.post(
        reverse("imports:new"),
        {"kind": "units", "file": units_upload(tmp_path, name="don-vi.pdf")},
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    response = manager.post(
        reverse("imports:new"), {"kind": "targets", "file": units_upload(tmp_path)}
    )
    assert response.context["form"].errors["plan"]
    response = upload(manager, tmp_path, plan="KH-1")
    assert response.context["form"].errors["plan"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("kind", specs.kinds())
def test_the_template_of_each_kind_reads_back_with_its_headers(manager, kind):
    response = manager.get(reverse("imports:template", kwargs={"kind": kind}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    tables = read_tables(io.BytesIO(content), name=f"{kind}.xlsx")
    header = [str(c) for c in tables[0].rows[2] if c not in ("", None)]
    labels = [label for _key, label in workbooks.columns_of(kind)]
    assert [h for h in header if h in labels] == labels
    assert [str(c) for c in tables[0].rows[3] if c][:2] == ["(1)", "(2)"]
    if kind != "targets":
        layout = locate(tables, specs.get_spec(kind).columns)
        assert layout.header_rows == (3,)
        assert set(dict(workbooks.columns_of(kind))) <= set(layout.columns)


def test_an_unknown_template_is_404(manager):
    assert manager.get("/imports/templates/nothing.xlsx").status_code == 404


def test_the_menu_links_to_imports(manager):
    page = manager.get(reverse("imports:list")).content.decode()
    assert f'href="{reverse("imports:list")}" aria-current="page"' in page


def test_a_large_file_is_checked_by_the_worker_while_the_page_polls(manager, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "CHECK_NOW_BYTES", 10)
    job_url = upload(manager, tmp_path).url
    page = manager.get(job_url).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'id="confirm-form"' not in page
    jobs.run_queue(once=True)
    job = ImportJob.objects.get()
    state = manager.get(reverse("imports:state", args=[job.pk])).content.decode()
    assert 'id="confirm-form"' in state and 'id="count-created">3<' in state
    assert not Unit.objects.filter(code="DA-3").exists()
