"""Tasks and solutions: deadlines as plans write them, groups, tasks, progress updates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from congdoan.accounts.models import Role
from congdoan.accounts.scope import scope_for
from congdoan.core.audit import history
from congdoan.core.dates import today
from congdoan.core.models import AuditEntry
from congdoan.org import services as org_services
from congdoan.org.kinds import UnitKind
from congdoan.plans import task_rules, tasks
from congdoan.plans.models import Plan, Task, TaskAttachment, TaskGroup, TaskUpdate
from congdoan.plans.tests.factory import make_plan
from congdoan.testing import make_unit, make_user

pytestmark = pytest.mark.django_db
D = dt.date


def make_tasks_plan(org, *, code: str = "KH-NV"):
    """The province's plan with two groups: task 1.1 falls to district A (Q1-2022), task
    1.2 to both districts (ongoing), task 2.1 to district B (2022)."""
    plan = make_plan(owner=org.province, code=code)
    plan.status = Plan.Status.IN_FORCE
    plan.save()
    one = tasks.create_group(actor=None, plan=plan, title="Tuyên truyền, vận động")
    two = tasks.create_group(actor=None, plan=plan, title="Thành lập CĐCS")
    plan.t11 = tasks.add_task(
        actor=None, group=one, title="Tổ chức hội nghị triển khai", responsible=[org.district_a],
        due="Q1-2022",
    )  # fmt: skip
    plan.t12 = tasks.add_task(
        actor=None, group=one, title="Tuyên truyền trên báo, đài",
        responsible=[org.district_a, org.district_b], due="thường xuyên",
    )  # fmt: skip
    plan.t21 = tasks.add_task(
        actor=None, group=two, title="Thành lập 10 CĐCS", responsible=[org.district_b], due="2022"
    )
    plan.groups = (one, two)
    return plan


def state():
    return tuple(
        model.objects.count() for model in (TaskGroup, Task, TaskUpdate, TaskAttachment, AuditEntry)
    ) + (list(Task.objects.order_by("pk").values_list()),)


def refused(error_code, call, /, *args, **kwargs):
    """`call` raises a ValidationError with `error_code` and leaves every table as it was."""
    before = state()
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == error_code
    assert state() == before
    return caught.value


@pytest.fixture
def plan(org):
    return make_tasks_plan(org)


@pytest.fixture
def district_clerk(org):
    return make_user(username="vt_huyen_a", unit=org.district_a, role=Role.CLERK)


def report(user, task, unit, **extra):
    fields = {"on": D(2022, 3, 1), "text": "Đã tổ chức hội nghị", "status": "in_progress"}
    return tasks.report_progress(
        actor=user, scope=scope_for(user) if user else None, task=task, unit=unit,
        **{**fields, **extra},
    )  # fmt: skip


# --- deadlines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "on"),
    [
        ("Q1-2022", "quarter", D(2022, 3, 31)),
        ("Quý I/2022", "quarter", D(2022, 3, 31)),
        ("quý 1 năm 2022", "quarter", D(2022, 3, 31)),
        ("QUÝ IV/2023", "quarter", D(2023, 12, 31)),
        ("Quy II - 2022", "quarter", D(2022, 6, 30)),
        ("II/2022", "quarter", D(2022, 6, 30)),
        ("2022-Q3", "quarter", D(2022, 9, 30)),
        ("cuối quý III/2022", "quarter", D(2022, 9, 30)),
        ("Quarter II/2022", "quarter", D(2022, 6, 30)),
        ("2023", "year", D(2023, 12, 31)),
        ("năm 2023", "year", D(2023, 12, 31)),
        ("Trong năm 2023", "year", D(2023, 12, 31)),
        ("Year 2024", "year", D(2024, 12, 31)),
        ("15/03/2022", "day", D(2022, 3, 15)),
        ("trước ngày 15/3/2022", "day", D(2022, 3, 15)),
        ("2022-03-15", "day", D(2022, 3, 15)),
        ("02/2024", "day", D(2024, 2, 29)),
        ("tháng 6 năm 2022", "day", D(2022, 6, 30)),
        ("thường xuyên", "ongoing", None),
        ("Thuong xuyen", "ongoing", None),
        ("Hằng năm", "ongoing", None),
        ("Thường xuyên, liên tục", "ongoing", None),
        ("", "ongoing", None),
        (None, "ongoing", None),
        (D(2022, 5, 1), "day", D(2022, 5, 1)),
    ],
)
def test_deadlines_are_read_as_plans_write_them(text, kind, on):
    assert tasks.parse_due(text) == (kind, on)


@pytest.mark.parametrize("text", ["Q5-2022", "quý V/2022", "13/2022", "31/02/2022", "sớm", "22"])
def test_text_that_is_no_deadline_is_refused_with_its_text(text):
    with pytest.raises(ValidationError) as caught:
        tasks.parse_due(text)
    assert caught.value.code == "due_invalid"
    assert text in caught.value.messages[0]


def test_deadline_labels_read_back_as_the_same_deadline(plan):
    with translation.override("en"):
        labels = [tasks.due_label(t) for t in (plan.t11, plan.t12, plan.t21)]
        assert labels == ["Quarter I/2022", "Ongoing", "Year 2022"]
        assert tasks.format_due("day", D(2022, 3, 15)) == "15/03/2022"
    for task in (plan.t11, plan.t12, plan.t21):
        assert tasks.parse_due(tasks.due_label(task)) == (task.due_kind, task.due_on)


# --- groups and tasks ----------------------------------------------------------------------


def test_groups_and_tasks_are_numbered_in_order(plan, org):
    one, two = plan.groups
    assert (one.number, two.number) == (1, 2)
    assert (plan.t11.number, plan.t12.number, plan.t21.number) == (1, 2, 1)
    assert set(plan.t12.responsible.all()) == {org.district_a, org.district_b}
    assert plan.t12.due_on is None and plan.t12.due_kind == "ongoing"
    five = tasks.create_group(actor=None, plan=plan, title="Nhóm năm", number=5)
    assert tasks.create_group(actor=None, plan=plan, title="Nhóm sáu").number == 6
    assert five.number == 5


def test_numbers_are_unique_and_titles_required(plan):
    one, _two = plan.groups
    refused("group_number_taken", tasks.create_group, actor=None, plan=plan, title="X", number=1)
    refused("title_required", tasks.create_group, actor=None, plan=plan, title="  ")
    refused("number_invalid", tasks.create_group, actor=None, plan=plan, title="X", number="0")
    refused("task_number_taken", tasks.add_task, actor=None, group=one, title="X", number=2)
    refused("title_required", tasks.add_task, actor=None, group=one, title="")
    refused("due_invalid", tasks.add_task, actor=None, group=one, title="X", due="sớm")


def test_responsible_units_are_the_owner_or_under_it(plan, org):
    one, _two = plan.groups
    elsewhere = make_unit(code="P2", kind=UnitKind.PROVINCE)
    refused(
        "responsible_outside_plan",
        tasks.add_task, actor=None, group=one, title="X", responsible=[org.district_a, elsewhere],
    )  # fmt: skip
    task = tasks.add_task(actor=None, group=one, title="Y", responsible=[org.province])
    assert list(task.responsible.all()) == [org.province]


def test_a_unit_moved_away_since_the_plan_began_may_still_answer_for_a_task(plan, org):
    # A later reform moved district A under another province: the 2022 plan still names it.
    elsewhere = make_unit(code="P2", kind=UnitKind.PROVINCE)
    org_services.move_unit(actor=None, unit=org.district_a, parent=elsewhere, on=D(2024, 1, 1))
    org.district_a.refresh_from_db()
    assert not org.district_a.path.startswith(plan.owner.path)
    one, _two = plan.groups
    task = tasks.add_task(actor=None, group=one, title="Y", responsible=[org.district_a])
    assert list(task.responsible.all()) == [org.district_a]


def test_only_managers_of_the_owner_shape_the_tasks(plan, users, org):
    one, _two = plan.groups
    for user in (users.district_manager, users.clerk, users.district_viewer):
        scope = scope_for(user)
        refused("outside_scope", tasks.create_group, actor=user, scope=scope, plan=plan, title="X")
        refused("outside_scope", tasks.add_task, actor=user, scope=scope, group=one, title="X")
        refused(
            "outside_scope", tasks.update_task, actor=user, scope=scope, task=plan.t11, title="X"
        )
    for user in (users.province_manager, users.admin):
        group = tasks.create_group(actor=user, scope=scope_for(user), plan=plan, title="Mới")
        task = tasks.add_task(actor=user, scope=scope_for(user), group=group, title="Việc mới")
        assert task.group == group
    entry = history(task).get()
    assert entry.actor == users.admin and entry.action == "create"


def test_updating_a_task_changes_only_what_is_given_and_is_audited(plan, users, org):
    manager = users.province_manager
    task = tasks.update_task(
        actor=manager, scope=scope_for(manager), task=plan.t11, due="30/06/2022",
        reason="Lùi hạn",
    )  # fmt: skip
    assert (task.due_kind, task.due_on) == ("day", D(2022, 6, 30))
    assert task.title == "Tổ chức hội nghị triển khai"
    assert list(task.responsible.all()) == [org.district_a]
    entry = history(task).first()
    assert entry.before["due_kind"] == "quarter" and entry.after["due_kind"] == "day"
    assert entry.before["due_on"] == "2022-03-31" and entry.after["due_on"] == "2022-06-30"
    assert entry.reason == "Lùi hạn"
    tasks.update_task(actor=None, task=task, responsible=[org.district_b], due=None)
    task.refresh_from_db()
    assert list(task.responsible.all()) == [org.district_b] and task.due_kind == "ongoing"
    assert history(task).first().after["responsible"] == ["DB"]
    count = AuditEntry.objects.count()
    tasks.update_task(actor=None, task=task, title=task.title)
    assert AuditEntry.objects.count() == count  # nothing changed, nothing recorded


def test_a_closed_plan_refuses_every_change(plan, org, users):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    plan.refresh_from_db()
    one, _two = plan.groups
    one.plan = plan
    refused("plan_closed", tasks.create_group, actor=None, plan=plan, title="X")
    refused("plan_closed", tasks.add_task, actor=None, group=one, title="X")
    refused("plan_closed", tasks.update_task, actor=None, task=plan.t11, title="X")
    refused("plan_closed", report, users.province_manager, plan.t11, org.district_a)


# --- progress ------------------------------------------------------------------------------


def test_a_responsible_district_clerk_reports_for_their_district(plan, org, district_clerk):
    update = report(district_clerk, plan.t11, org.district_a, progress="40")
    plan.t11.refresh_from_db()
    assert (plan.t11.status, plan.t11.progress) == ("in_progress", 40)
    assert (update.unit, update.author, update.progress) == (org.district_a, district_clerk, 40)
    assert history(update).get().after["unit"] == "DA"
    assert history(plan.t11).first().operation == "report_progress"


def test_the_owners_managers_report_for_any_responsible_unit_or_the_owner(plan, org, users):
    report(users.province_manager, plan.t12, org.district_b)
    report(users.province_manager, plan.t12, org.province)
    report(None, plan.t21, org.district_b)  # the system
    assert TaskUpdate.objects.count() == 3


def test_other_units_may_not_report(plan, org, users, district_clerk):
    clerk_b = make_user(username="vt_huyen_b", unit=org.district_b, role=Role.CLERK)
    # District B answers for task 2.1 and 1.2, not for 1.1.
    refused("unit_not_responsible", report, clerk_b, plan.t11, org.district_b)
    refused("not_allowed", report, clerk_b, plan.t11, org.district_a)
    refused("not_allowed", report, district_clerk, plan.t21, org.district_b)
    # A grassroots clerk enters data for their own union only; a viewer never.
    refused("not_allowed", report, users.clerk, plan.t11, org.district_a)
    refused("not_allowed", report, users.district_viewer, plan.t11, org.district_a)
    refused("not_allowed", report, users.district_manager, plan.t11, org.province)
    refused("unit_not_responsible", report, users.province_manager, plan.t11, org.grassroots_a1)
    # …but the district's manager reports for the district.
    assert report(users.district_manager, plan.t11, org.district_a).unit == org.district_a


def test_an_update_is_dated_between_the_plans_start_and_today(plan, org, district_clerk):
    tomorrow = today() + dt.timedelta(days=1)
    refused("date_in_future", report, district_clerk, plan.t11, org.district_a, on=tomorrow)
    refused(
        "date_before_plan", report, district_clerk, plan.t11, org.district_a, on=D(2021, 12, 31)
    )
    refused("date_required", report, district_clerk, plan.t11, org.district_a, on=None)
    assert report(district_clerk, plan.t11, org.district_a, on=today()).on == today()


def test_text_status_and_progress_are_checked(plan, org, district_clerk):
    refused("text_required", report, district_clerk, plan.t11, org.district_a, text=" \n ")
    refused("status_invalid", report, district_clerk, plan.t11, org.district_a, status="late")
    for bad in ("101", "-1", "nửa"):
        refused("progress_invalid", report, district_clerk, plan.t11, org.district_a, progress=bad)
    update = report(district_clerk, plan.t11, org.district_a, text="Dòng 1\n  Dòng   2 ")
    assert update.text == "Dòng 1\nDòng 2"


def test_a_done_task_is_done_in_full(plan, org, district_clerk):
    report(district_clerk, plan.t11, org.district_a, status="done", progress="60")
    plan.t11.refresh_from_db()
    assert (plan.t11.status, plan.t11.progress) == ("done", 100)


def test_a_late_report_of_an_earlier_date_does_not_undo_the_latest(plan, org, district_clerk):
    report(district_clerk, plan.t11, org.district_a, on=D(2022, 5, 1), status="done")
    report(district_clerk, plan.t11, org.district_a, on=D(2022, 2, 1), progress=20)
    plan.t11.refresh_from_db()
    assert (plan.t11.status, plan.t11.progress) == ("done", 100)
    assert plan.t11.updates.count() == 2


def test_files_are_attached_to_the_update(plan, org, district_clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = [
        SimpleUploadedFile("Biên bản hội nghị.PDF", b"%PDF-1.4"),
        SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff"),
        SimpleUploadedFile("so-lieu.xlsx", b"PK"),
    ]
    update = report(district_clerk, plan.t11, org.district_a, files=files)
    names = [a.name for a in update.attachments.all()]
    assert names == ["Biên bản hội nghị.PDF", "anh.jpg", "so-lieu.xlsx"]
    assert all(a.file.name.startswith("plans/tasks/") for a in update.attachments.all())
    assert history(update).get().after["files"] == names


def test_attachments_of_other_types_or_too_big_are_refused(
    plan, org, district_clerk, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    for name in ("virus.exe", "ghi-chu.txt", "noext"):
        files = [SimpleUploadedFile("ok.pdf", b"%PDF"), SimpleUploadedFile(name, b"x")]
        refused("attachment_type", report, district_clerk, plan.t11, org.district_a, files=files)
    monkeypatch.setattr(task_rules, "ATTACHMENT_MAX_MB", 0)
    files = [SimpleUploadedFile("a.docx", b"PK")]
    refused("attachment_too_big", report, district_clerk, plan.t11, org.district_a, files=files)
    assert not list(tmp_path.rglob("*.pdf"))  # nothing written for a refused update
