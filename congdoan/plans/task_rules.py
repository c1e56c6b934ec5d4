"""The rules of tasks and their progress updates: who may report, on what, with which files."""

import datetime as dt

from congdoan.accounts.scope import Scope
from congdoan.core.dates import format_date, today
from congdoan.core.errors import fail
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit
from congdoan.plans import errors, rules
from congdoan.plans.models import Plan, Task, TaskGroup

ATTACHMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png",
)  # fmt: skip
ATTACHMENT_MAX_MB = 20


def check_open(plan: Plan) -> None:
    if plan.status == Plan.Status.CLOSED:
        fail(errors.TASKS_PLAN_CLOSED, "plan_closed", plan=plan)


def may_manage(scope: Scope | None, plan: Plan) -> bool:
    """Managers of the plan's owner (or of a unit above it) and administrators shape its
    groups and tasks."""
    return scope is None or scope.can_place_under(plan.owner)


def check_manages(scope: Scope | None, plan: Plan) -> None:
    if not may_manage(scope, plan):
        fail(errors.PLAN_OUTSIDE_SCOPE, "outside_scope", plan=plan, unit=plan.owner)


def clean_number(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1 or number > 32767:
        fail(errors.NUMBER_INVALID, "number_invalid", value=value)
    return number


def check_group_number_free(plan: Plan, number: int, *, exclude: int | None = None) -> None:
    if plan.task_groups.filter(number=number).exclude(pk=exclude).exists():
        fail(errors.GROUP_NUMBER_TAKEN, "group_number_taken", number=number)


def check_task_number_free(group: TaskGroup, number: int, *, exclude: int | None = None) -> None:
    if group.tasks.filter(number=number).exclude(pk=exclude).exists():
        fail(errors.TASK_NUMBER_TAKEN, "task_number_taken", number=number)


def check_responsible(plan: Plan, units) -> list[Unit]:
    """The responsible units, each the plan's owner or a unit under it, today or as the
    structure stood when the plan began: a 2022 plan names the 2022 units, even those a
    later reform moved elsewhere."""
    units = list(units)
    under_at_start = None
    for unit in units:
        if unit.path.startswith(plan.owner.path):
            continue
        if under_at_start is None:
            forest = org_selectors.tree_as_of(plan.starts_on)
            under_at_start = set(forest.subtree_ids(plan.owner_id))
        if unit.pk not in under_at_start:
            fail(
                errors.RESPONSIBLE_OUTSIDE_PLAN,
                "responsible_outside_plan",
                unit=unit,
                owner=plan.owner,
            )
    return units


def reporting_unit_ids(task: Task) -> set[int]:
    """Units that may be named on an update: the responsible ones and the plan's owner."""
    # .all() so a prefetched list of responsible units costs no query.
    return {*(unit.pk for unit in task.responsible.all()), task.group.plan.owner_id}


def may_report(scope: Scope | None, task: Task, unit: Unit) -> bool:
    """The plan owner's managers report for any unit of the task; the managers and clerks of
    a unit (Scope.can_enter_data) report for that unit."""
    if scope is None or may_manage(scope, task.group.plan):
        return True
    return scope.can_enter_data(unit)


def check_report_unit(scope: Scope | None, task: Task, unit: Unit | None) -> Unit:
    if unit is None or unit.pk not in reporting_unit_ids(task):
        fail(errors.REPORT_UNIT_NOT_RESPONSIBLE, "unit_not_responsible", unit=unit or "—")
    if not may_report(scope, task, unit):
        fail(errors.REPORT_NOT_ALLOWED, "not_allowed", unit=unit)
    return unit


def check_report_date(plan: Plan, on: dt.date | None) -> dt.date:
    if on is None:
        fail(errors.REPORT_DATE_REQUIRED, "date_required")
    if on > today():
        fail(errors.REPORT_DATE_IN_FUTURE, "date_in_future", date=format_date(on))
    if on < plan.starts_on:
        fail(
            errors.REPORT_DATE_BEFORE_PLAN,
            "date_before_plan",
            date=format_date(on),
            start=format_date(plan.starts_on),
        )
    return on


def clean_progress(value, status: str) -> int | None:
    """A whole percentage 0–100, or None; a done task is done in full."""
    if status == Task.Status.DONE:
        return 100
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip().rstrip("%").strip())
    except ValueError:
        number = -1
    if not 0 <= number <= 100:
        fail(errors.PROGRESS_INVALID, "progress_invalid", value=value)
    return number


def check_files(files) -> list:
    files = list(files or ())
    for file in files:
        rules.check_upload(
            file, extensions=ATTACHMENT_EXTENSIONS, max_mb=ATTACHMENT_MAX_MB,
            not_allowed=errors.ATTACHMENT_TYPE, kind="attachment",
        )  # fmt: skip
    return files
