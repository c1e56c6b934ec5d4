"""The task pages and the activity news through the test client: reads, forms, files, 404s."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from congdoan.accounts.models import Role
from congdoan.core.dates import format_date, today
from congdoan.core.models import AuditEntry
from congdoan.org.kinds import UnitKind
from congdoan.plans import errors, tasks
from congdoan.plans.models import Plan, Task, TaskAttachment, TaskGroup, TaskUpdate
from congdoan.plans.tests.test_tasks import make_tasks_plan
from congdoan.testing import make_unit, make_user

pytestmark = pytest.mark.django_db
D = dt.date
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def says(response, message) -> bool:
    """The page shows `message` (every literal part of it, around its values)."""
    page = response.content.decode()
    return all(escape(part.strip()) in page for part in _PLACEHOLDER.split(str(message)) if part)


def state():
    return (
        list(TaskGroup.objects.order_by("pk").values_list()),
        list(Task.objects.order_by("pk").values_list()),
        TaskUpdate.objects.count(),
        TaskAttachment.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def plan(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_tasks_plan(org)


@pytest.fixture
def clerk_a(org):
    return make_user(username="vt_huyen_a", unit=org.district_a, role=Role.CLERK)


def url(plan, *parts) -> str:
    return f"/plans/{plan.code}/tasks/" + "".join(f"{part}/" for part in parts)


def login(client, user):
    client.force_login(user)
    return client


def report_data(unit, **extra):
    return {
        "unit": unit.pk, "on": "01/03/2022", "status": "in_progress", "progress": "30",
        "text": "Đã họp triển khai", **extra,
    }  # fmt: skip


def test_the_task_list_shows_groups_deadlines_and_status(client, plan, users):
    login(client, users.province_manager)
    response = client.get(url(plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1. Tuyên truyền, vận động" in page and "2. Thành lập CĐCS" in page
    row = page.split(f'id="task-{plan.t11.pk}"')[1].split("</tr>")[0]
    assert "LĐLĐ huyện A" in row and "quá hạn" in row  # Q1-2022 is long past
    ongoing = page.split(f'id="task-{plan.t12.pk}"')[1].split("</tr>")[0]
    assert "quá hạn" not in ongoing
    assert f'href="/plans/{plan.code}/tasks/{plan.t11.pk}/edit/"' in row
    assert f'href="/plans/{plan.code}/tasks/groups/new/"' in page
    assert 'max="100"' not in row  # no progress yet


def test_a_district_clerk_reads_the_province_plan_and_reports_only_on_its_tasks(
    client, plan, clerk_a
):
    login(client, clerk_a)
    page = client.get(url(plan)).content.decode()
    assert f"/tasks/{plan.t11.pk}/report/" in page and f"/tasks/{plan.t12.pk}/report/" in page
    assert f"/tasks/{plan.t21.pk}/report/" not in page
    assert "/tasks/groups/new/" not in page and "/edit/" not in page


def test_the_list_filters_by_unit_and_status_and_answers_htmx_with_the_list(client, plan, users):
    login(client, users.district_viewer)
    response = client.get(url(plan), {"unit": "DB", "status": ""})
    page = response.content.decode()
    assert "Thành lập 10 CĐCS" in page and "Tổ chức hội nghị triển khai" not in page
    response = client.get(url(plan), {"status": "done"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="task-list">')
    assert "Thành lập 10 CĐCS" not in page


def test_outsiders_get_404_everywhere(client, plan):
    stranger = make_user(
        username="tinh_khac", unit=make_unit(code="P2", kind=UnitKind.PROVINCE), role="manager"
    )
    login(client, stranger)
    update = tasks.report_progress(
        actor=None, task=plan.t11, unit=plan.owner, on=D(2022, 2, 1), text="x", status="done",
        files=[SimpleUploadedFile("bb.pdf", b"%PDF")],
    )  # fmt: skip
    attachment = update.attachments.get()
    before = state()
    for path in ("", "news/", "groups/new/", "new/", f"{plan.t11.pk}/", f"{plan.t11.pk}/edit/",
                 f"{plan.t11.pk}/report/", f"attachments/{attachment.pk}/"):  # fmt: skip
        assert client.get(url(plan) + path).status_code == 404, path
        assert client.post(url(plan) + path, report_data(plan.owner)).status_code in {404, 405}
    assert state() == before


def test_a_manager_adds_a_group_and_a_task(client, plan, users, org):
    login(client, users.province_manager)
    response = client.post(url(plan, "groups/new"), {"title": "Kiểm tra, giám sát", "number": ""})
    assert response.status_code == 302
    group = plan.task_groups.get(number=3)
    response = client.get(url(plan, "new") + f"?group={group.pk}")
    assert response.status_code == 200
    assert f'<option value="{group.pk}" selected>' in response.content.decode()
    response = client.post(url(plan, "new"), {
        "group": group.pk, "title": "Kiểm tra việc thành lập CĐCS",
        "responsible": [org.district_a.pk, org.district_b.pk], "due": "Quý II/2022",
    })  # fmt: skip
    task = group.tasks.get()
    assert response.status_code == 302 and response["Location"] == url(plan, task.pk)
    assert (task.due_kind, task.due_on, task.number) == ("quarter", D(2022, 6, 30), 1)
    assert set(task.responsible.all()) == {org.district_a, org.district_b}


def test_a_bad_deadline_is_shown_beside_its_field(client, plan, users):
    login(client, users.province_manager)
    before = state()
    response = client.post(url(plan, "new"), {
        "group": plan.groups[0].pk, "title": "Việc", "due": "sớm nhất có thể",
    })  # fmt: skip
    assert response.status_code == 400
    assert "sớm nhất có thể" in " ".join(response.context["form"].errors["due"])
    response = client.post(url(plan, "groups/new"), {"title": "", "number": ""})
    assert response.status_code == 400 and response.context["form"].errors["title"]
    response = client.post(url(plan, "groups/new"), {"title": "Trùng số", "number": "1"})
    assert response.status_code == 400 and response.context["form"].errors["number"]
    assert state() == before


def test_editing_a_task_keeps_what_is_not_changed(client, plan, users, org):
    login(client, users.province_manager)
    page = client.get(url(plan, plan.t11.pk, "edit")).content.decode()
    assert 'value="Quý I/2022"' in page or 'value="Quarter I/2022"' in page
    response = client.post(url(plan, plan.t11.pk, "edit"), {
        "number": "1", "title": "Hội nghị triển khai (sửa)", "responsible": [org.district_a.pk],
        "due": "Quý I/2022",
    })  # fmt: skip
    assert response.status_code == 302
    plan.t11.refresh_from_db()
    assert plan.t11.title == "Hội nghị triển khai (sửa)" and plan.t11.due_kind == "quarter"


def test_only_managers_of_the_owner_reach_the_forms_that_shape_tasks(client, plan, users):
    before = state()
    for user in (users.district_manager, users.clerk, users.district_viewer):
        login(client, user)
        assert client.get(url(plan, "groups/new")).status_code == 403
        assert client.post(url(plan, "groups/new"), {"title": "X"}).status_code == 403
        assert client.post(url(plan, plan.t11.pk, "edit"), {"title": "X"}).status_code == 403
    assert state() == before


def test_a_responsible_clerk_reports_progress_with_files(client, plan, clerk_a, org):
    login(client, clerk_a)
    page = client.get(url(plan, plan.t11.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page
    files = [SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4"), SimpleUploadedFile("a.png", b"P")]
    response = client.post(
        url(plan, plan.t11.pk, "report"), report_data(org.district_a, files=files)
    )
    assert response.status_code == 302 and response["Location"] == url(plan, plan.t11.pk)
    update = plan.t11.updates.get()
    assert (update.unit, update.author, update.progress) == (org.district_a, clerk_a, 30)
    assert [a.name for a in update.attachments.all()] == ["Biên bản.pdf", "a.png"]
    page = client.get(url(plan, plan.t11.pk)).content.decode()
    assert "Đã họp triển khai" in page and "Biên bản.pdf" in page
    attachment = update.attachments.first()
    response = client.get(url(plan, "attachments", attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    # The file is reached through its own plan only.
    other = make_tasks_plan(org, code="KH-KHAC")
    assert client.get(url(other, "attachments", attachment.pk)).status_code == 404


def test_the_report_page_and_who_sees_the_report_form(client, plan, users, clerk_a):
    login(client, clerk_a)
    response = client.get(url(plan, plan.t11.pk, "report"))
    assert response.status_code == 200 and 'id="report-form"' in response.content.decode()
    login(client, users.district_viewer)
    page = client.get(url(plan, plan.t11.pk)).content.decode()
    assert "Tổ chức hội nghị triển khai" in page and 'id="report-form"' not in page
    assert client.get(url(plan, plan.t11.pk, "report")).status_code == 403


def test_a_clerk_of_a_unit_not_responsible_may_not_report(client, plan, org):
    clerk_b = make_user(username="vt_huyen_b", unit=org.district_b, role=Role.CLERK)
    login(client, clerk_b)
    before = state()
    assert client.get(url(plan, plan.t11.pk, "report")).status_code == 403
    response = client.post(url(plan, plan.t11.pk, "report"), report_data(org.district_b))
    assert response.status_code == 403
    # On a task district B shares, it may not report for district A.
    response = client.post(url(plan, plan.t12.pk, "report"), report_data(org.district_a))
    assert response.status_code == 400 and "unit" in response.context["report_form"].errors
    assert state() == before


def test_a_report_in_the_future_or_with_a_bad_file_is_refused_with_a_message(
    client, plan, clerk_a, org
):
    login(client, clerk_a)
    before = state()
    tomorrow = format_date(today() + dt.timedelta(days=1))
    data = report_data(org.district_a, on=tomorrow)
    response = client.post(url(plan, plan.t11.pk, "report"), data)
    assert response.status_code == 400
    assert says(response, errors.REPORT_DATE_IN_FUTURE)
    response = client.post(
        url(plan, plan.t11.pk, "report"),
        report_data(org.district_a, files=[SimpleUploadedFile("virus.exe", b"MZ")]),
    )
    assert response.status_code == 400
    assert response.context["report_form"].errors["files"]
    assert "virus.exe" in response.content.decode()
    assert state() == before


def test_a_closed_plan_shows_no_forms_and_takes_no_report(client, plan, users, org):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    login(client, users.province_manager)
    page = client.get(url(plan, plan.t11.pk)).content.decode()
    assert 'id="report-form"' not in page and "/edit/" not in page
    before = state()
    response = client.post(url(plan, plan.t11.pk, "report"), report_data(org.district_a))
    assert response.status_code == 403
    assert client.post(url(plan, "groups/new"), {"title": "X"}).status_code == 403
    assert state() == before


def test_forms_need_the_csrf_token(plan, clerk_a, org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk_a)
    before = state()
    response = client.post(url(plan, plan.t11.pk, "report"), report_data(org.district_a))
    assert response.status_code == 403
    assert state() == before


def test_the_news_shows_updates_newest_first_and_filters_by_unit(client, plan, users, org):
    for on, unit, text, task in (
        (D(2022, 2, 1), org.district_a, "Tin A cũ", plan.t11),
        (D(2022, 5, 1), org.district_b, "Tin B mới", plan.t21),
        (D(2022, 3, 1), org.district_a, "Tin A giữa", plan.t12),
    ):
        tasks.report_progress(actor=None, task=task, unit=unit, on=on, text=text,
                              status="in_progress")  # fmt: skip
    login(client, users.district_viewer)
    page = client.get(url(plan, "news")).content.decode()
    assert page.index("Tin B mới") < page.index("Tin A giữa") < page.index("Tin A cũ")
    assert f'href="/plans/{plan.code}/tasks/{plan.t21.pk}/"' in page
    assert '<option value="DA">' in page and '<option value="DB">' not in page
    response = client.get(url(plan, "news"), {"unit": "DA"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="news-feed">')
    assert "Tin A giữa" in page and "Tin B mới" not in page


def test_the_news_comes_in_pages(client, plan, users, org):
    for day in range(1, 33):
        tasks.report_progress(actor=None, task=plan.t11, unit=org.district_a,
                              on=D(2022, 1, 1) + dt.timedelta(days=day), text=f"Tin số {day}.",
                              status="in_progress")  # fmt: skip
    login(client, users.province_manager)
    page = client.get(url(plan, "news"), {"unit": "DA"}).content.decode()
    assert "Tin số 32." in page and "Tin số 2." not in page
    assert "unit=DA&amp;page=2" in page
    page = client.get(url(plan, "news"), {"unit": "DA", "page": "2"}).content.decode()
    assert "Tin số 2." in page and "Tin số 1." in page and "Tin số 32." not in page
