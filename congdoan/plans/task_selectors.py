"""Reads of a plan's tasks and of its activity news, within what the user may see.

A user sees a plan when its owner is in their scope, or when the owner is above their own
unit: a district federation follows the province's plan it carries out.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from congdoan.accounts.scope import Scope
from congdoan.core.dates import today
from congdoan.org.models import Unit
from congdoan.plans import selectors, task_rules
from congdoan.plans.models import Plan, Task, TaskAttachment, TaskGroup, TaskUpdate

NEWS_PER_PAGE = 30
CLOSED_STATUSES = (Task.Status.DONE, Task.Status.CANCELLED)


def task_for(plan: Plan, pk: int) -> Task:
    """The task `pk` of `plan` (404 for another plan's), its group and units loaded."""
    task = (
        Task.objects.filter(group__plan=plan, pk=pk)
        .select_related("group")
        .prefetch_related("responsible")
        .first()
    )
    if task is None:
        raise Http404(pk)
    task.group.plan = plan
    task.overdue = is_overdue(task)
    return task


def is_overdue(task: Task, on: dt.date | None = None) -> bool:
    """Past its deadline and neither done nor cancelled."""
    return (
        task.due_on is not None
        and task.due_on < (on or today())
        and task.status not in CLOSED_STATUSES
    )


@dataclass
class GroupRow:
    group: TaskGroup
    tasks: list[Task]
    # status → number of the tasks shown, every status present (zero included).
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) of the statuses present, in the statuses' order."""
        return [(v, label, self.counts[v]) for v, label in Task.Status.choices if self.counts[v]]


def task_groups(
    plan: Plan, *, unit: Unit | None = None, status: str = "", on: dt.date | None = None
) -> list[GroupRow]:
    """The plan's groups in order, each with its tasks (responsible units loaded, `overdue`
    set as of `on`), filtered by a responsible unit and a status; without a filter, empty
    groups are kept so the plan's outline shows whole."""
    tasks = Task.objects.filter(group__plan=plan).prefetch_related(
        Prefetch("responsible", queryset=Unit.objects.order_by("path"))
    )
    if unit is not None:
        tasks = tasks.filter(responsible=unit)
    if status:
        tasks = tasks.filter(status=status)
    by_group: dict[int, list[Task]] = {}
    for task in tasks.order_by("number", "pk"):
        task.overdue = is_overdue(task, on)
        by_group.setdefault(task.group_id, []).append(task)
    filtered = unit is not None or bool(status)
    rows = []
    for group in plan.task_groups.order_by("number"):
        group.plan = plan
        shown = by_group.get(group.pk, [])
        if filtered and not shown:
            continue
        counts = {value: 0 for value in Task.Status.values}
        for task in shown:
            counts[task.status] += 1
        rows.append(
            GroupRow(group=group, tasks=shown, counts=counts, overdue=sum(t.overdue for t in shown))
        )
    return rows


def task_units(plan: Plan) -> QuerySet[Unit]:
    """Units responsible for at least one task of the plan, in the tree's order."""
    return Unit.objects.filter(plan_tasks__group__plan=plan).distinct().order_by("path")


def reporting_units(scope: Scope | None, task: Task) -> list[Unit]:
    """The units the user may report progress of `task` for (none: they may not report)."""
    units = Unit.objects.filter(pk__in=task_rules.reporting_unit_ids(task)).order_by("path")
    return [unit for unit in units if task_rules.may_report(scope, task, unit)]


def can_report(scope: Scope, task: Task, plan: Plan) -> bool:
    """Whether the user may report on `task` for at least one unit (responsible units
    prefetched: no query per task)."""
    if task_rules.may_manage(scope, plan):
        return True
    return any(scope.can_enter_data(unit) for unit in [*task.responsible.all(), plan.owner])


def task_updates(task: Task) -> QuerySet[TaskUpdate]:
    """The task's progress updates, newest first, with their units, authors and files."""
    return task.updates.select_related("unit", "author").prefetch_related("attachments")


def news(plan: Plan, *, unit: Unit | None = None) -> QuerySet[TaskUpdate]:
    """The plan's activity news: its progress updates, newest first, with their task, group,
    unit, author and files; `unit` keeps those of that unit and the units under it."""
    updates = TaskUpdate.objects.filter(task__group__plan=plan)
    if unit is not None:
        updates = updates.filter(unit__path__startswith=unit.path)
    return updates.select_related("task__group", "unit", "author").prefetch_related("attachments")


def news_page(plan: Plan, *, unit: Unit | None = None, page=1) -> Page:
    """One page of `news` (30 updates); a page number out of range gives the last page."""
    return Paginator(news(plan, unit=unit), NEWS_PER_PAGE).get_page(page)


def news_units(scope: Scope, plan: Plan) -> QuerySet[Unit]:
    """The units the news can be narrowed to: the plan's owner and the units under it that
    answer for a task or have reported, those the user can read or stands under."""
    involved = Q(plan_tasks__group__plan=plan) | Q(task_updates__task__group__plan=plan)
    # Not limited to the owner's path today: a unit moved away by a reform keeps its news.
    units = Unit.objects.filter(Q(pk=plan.owner_id) | involved)
    if not scope.is_everything:
        above = selectors.ids_above(scope.unit) if scope.unit is not None else []
        units = units.filter(Q(pk__in=scope.units().values("pk")) | Q(pk__in=above))
    return units.distinct().order_by("path")


def attachment_for(plan: Plan, pk: int) -> TaskAttachment:
    """The file `pk` of one of the plan's updates; 404 for another plan's."""
    attachment = TaskAttachment.objects.filter(pk=pk, update__task__group__plan=plan).first()
    if attachment is None:
        raise Http404(pk)
    return attachment
