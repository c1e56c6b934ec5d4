"""Reads of tasks and the activity news: who sees a plan, groups, overdue, the news feed."""

import datetime as dt

import pytest
from django.http import Http404

from congdoan.accounts.models import Role
from congdoan.accounts.scope import scope_for
from congdoan.org.kinds import UnitKind
from congdoan.plans import selectors, task_selectors, tasks
from congdoan.plans.tests.factory import make_plan
from congdoan.plans.tests.test_tasks import make_tasks_plan
from congdoan.testing import make_unit, make_user

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def plan(org):
    return make_tasks_plan(org)


def news_texts(plan, **kwargs):
    return [u.text for u in task_selectors.news(plan, **kwargs)]


def test_a_plan_is_seen_in_scope_and_from_the_units_below_its_owner(plan, org, users):
    district_plan = make_plan(owner=org.district_b, code="KH-HB")
    for user in (users.province_manager, users.district_manager, users.clerk, users.admin):
        assert selectors.plan_for(scope_for(user), "KH-NV") == plan
    assert selectors.plan_for(scope_for(users.district_b_manager), "KH-HB") == district_plan
    assert selectors.plan_for(scope_for(users.province_manager), "KH-HB") == district_plan
    for user in (users.district_manager, users.clerk):  # district A: not B's plan
        with pytest.raises(Http404):
            selectors.plan_for(scope_for(user), "KH-HB")
    outsider = make_user(
        username="tinh_khac", unit=make_unit(code="P2", kind=UnitKind.PROVINCE), role="manager"
    )
    with pytest.raises(Http404):
        selectors.plan_for(scope_for(outsider), "KH-NV")
    with pytest.raises(Http404):
        selectors.plan_for(scope_for(users.admin), "NO-SUCH")
    assert set(selectors.visible_plans(scope_for(users.clerk))) == {plan}


def test_groups_list_their_tasks_with_counts_and_overdue(plan, org):
    tasks.report_progress(
        actor=None, task=plan.t21, unit=org.district_b, on=D(2022, 6, 1), text="Xong",
        status="done",
    )  # fmt: skip
    rows = task_selectors.task_groups(plan, on=D(2022, 4, 1))
    assert [r.group.number for r in rows] == [1, 2]
    first, second = rows
    assert [t.number for t in first.tasks] == [1, 2]
    assert [t.overdue for t in first.tasks] == [True, False]  # Q1 past; ongoing never
    assert first.counts == {"not_started": 2, "in_progress": 0, "done": 0, "cancelled": 0}
    assert [(s, n) for s, _label, n in first.status_counts] == [("not_started", 2)]
    assert first.overdue == 1
    late = task_selectors.task_groups(plan, on=D(2023, 1, 1))
    assert [t.overdue for t in late[1].tasks] == [False]  # done is never overdue
    assert second.counts["done"] == 1


def test_tasks_filter_by_responsible_unit_and_status(plan, org):
    tasks.create_group(actor=None, plan=plan, title="Nhóm trống")
    assert len(task_selectors.task_groups(plan)) == 3  # empty groups show unfiltered
    rows = task_selectors.task_groups(plan, unit=org.district_b)
    assert [[t.title for t in r.tasks] for r in rows] == [
        ["Tuyên truyền trên báo, đài"],
        ["Thành lập 10 CĐCS"],
    ]
    rows = task_selectors.task_groups(plan, unit=org.district_a, status="done")
    assert rows == []
    assert list(task_selectors.task_units(plan)) == [org.district_a, org.district_b]


def test_the_news_is_newest_first_and_narrows_to_a_units_subtree(plan, org):
    grassroots = make_user(username="cs_a1_nv", unit=org.grassroots_a1, role=Role.MANAGER)
    task = tasks.add_task(
        actor=None, group=plan.groups[0], title="CĐCS A1 làm", responsible=[org.grassroots_a1]
    )
    for on, unit, text, which in (
        (D(2022, 2, 1), org.district_a, "A tháng 2", plan.t11),
        (D(2022, 4, 1), org.district_b, "B tháng 4", plan.t12),
        (D(2022, 3, 1), org.grassroots_a1, "A1 tháng 3", task),
        (D(2022, 4, 1), org.district_a, "A tháng 4", plan.t12),
    ):
        tasks.report_progress(
            actor=grassroots if unit == org.grassroots_a1 else None, task=which, unit=unit,
            on=on, text=text, status="in_progress",
        )  # fmt: skip
    assert news_texts(plan) == ["A tháng 4", "B tháng 4", "A1 tháng 3", "A tháng 2"]
    assert news_texts(plan, unit=org.district_a) == ["A tháng 4", "A1 tháng 3", "A tháng 2"]
    assert news_texts(plan, unit=org.grassroots_a1) == ["A1 tháng 3"]
    assert news_texts(plan, unit=org.province) == news_texts(plan)
    other = make_tasks_plan(org, code="KH-KHAC")
    assert news_texts(other) == []


def test_the_news_comes_in_pages_of_thirty(plan, org, django_assert_max_num_queries):
    for day in range(1, 36):
        tasks.report_progress(
            actor=None, task=plan.t11, unit=org.district_a, on=D(2022, 1, day % 28 + 1),
            text=f"Tin {day}", status="in_progress",
        )  # fmt: skip
    first = task_selectors.news_page(plan)
    assert len(first.object_list) == 30 and first.has_next()
    second = task_selectors.news_page(plan, page="2")
    assert len(second.object_list) == 5
    assert task_selectors.news_page(plan, page="99").number == 2
    with django_assert_max_num_queries(4):  # count, updates and their joins, files
        shown = [
            (u.task.group.number, u.unit.name, u.author, list(u.attachments.all()))
            for u in task_selectors.news_page(plan).object_list
        ]
    assert len(shown) == 30


def test_news_units_are_those_involved_that_the_user_may_read(plan, org, users):
    assert list(task_selectors.news_units(scope_for(users.admin), plan)) == [
        org.province, org.district_a, org.district_b,
    ]  # fmt: skip
    assert list(task_selectors.news_units(scope_for(users.district_manager), plan)) == [
        org.province, org.district_a,
    ]  # fmt: skip


def test_who_may_report_for_which_unit(plan, org, users):
    clerk_a = make_user(username="vt_a", unit=org.district_a, role=Role.CLERK)
    t12 = task_selectors.task_for(plan, plan.t12.pk)
    assert task_selectors.reporting_units(scope_for(users.province_manager), t12) == [
        org.province, org.district_a, org.district_b,
    ]  # fmt: skip
    assert task_selectors.reporting_units(scope_for(clerk_a), t12) == [org.district_a]
    assert task_selectors.reporting_units(scope_for(users.district_viewer), t12) == []
    assert task_selectors.can_report(scope_for(clerk_a), t12, plan)
    t21 = task_selectors.task_for(plan, plan.t21.pk)
    assert not task_selectors.can_report(scope_for(clerk_a), t21, plan)
    with pytest.raises(Http404):
        task_selectors.task_for(make_tasks_plan(org, code="KH-2"), plan.t21.pk)
