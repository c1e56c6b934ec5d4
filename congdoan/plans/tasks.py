"""The only writers of a plan's tasks and solutions and of their progress updates.

A plan's tasks come in numbered groups; each task names the units that answer for it and a
deadline written as plans write them ("Quý I/2022", "31/03/2022", "Năm 2023", "thường
xuyên"). Progress updates, each with its date, text and files, make up the plan's activity
news. `scope=None` is the system (demo data, imports) and skips the permission checks; a
closed plan refuses every change.
"""

import calendar
import datetime as dt
import re
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.dates import format_date, parse_date
from congdoan.core.errors import fail
from congdoan.core.text import nfc, search_key
from congdoan.org.models import Unit
from congdoan.plans import errors, rules, task_rules
from congdoan.plans.models import Plan, Task, TaskAttachment, TaskGroup, TaskUpdate

Action = audit.AuditEntry.Action
Due = Task.Due
TASK_FIELDS = ("group_id", "number", "title", "due_kind", "due_on", "status", "progress")


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


#: The default of `update_task`'s fields: leave the field as it is.
UNCHANGED = _Unchanged()

# --- deadlines -----------------------------------------------------------------------------

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_OF = {number: text.upper() for text, number in ROMAN.items()}
_QUARTER = r"(?P<q>iv|i{1,3}|[1-4])"
_YEAR = r"(?P<y>\d{4})"
_GLUE = r"(?:\s|[-/.,]|nam|year|of)*"
# Matched against search_key(text): lower case, accents and extra spaces gone.
_QUARTER_RES = (
    re.compile(rf"^(?:q|quy|quarter)\s*{_QUARTER}{_GLUE}{_YEAR}$"),  # Q1-2022, Quý I/2022
    re.compile(r"^(?P<q>iv|i{1,3})\s*[-/]\s*(?P<y>\d{4})$"),  # I/2022 (1/2022 is a month)
    re.compile(r"^(?P<y>\d{4})\s*[-/ ]\s*q\s*(?P<q>[1-4])$"),  # 2022-Q1
)
_YEAR_RE = re.compile(r"^(?:nam|year)?\s*(\d{4})$")
_MONTH_RE = re.compile(r"^(?:thang|month)?\s*(\d{1,2})(?:\s|[-/.]|nam)+(\d{4})$")
_ONGOING_WORDS = r"(?:thuong xuyen|hang (?:nam|quy|thang)|lien tuc|ongoing|regularly|annually)"
_ONGOING_RE = re.compile(rf"^{_ONGOING_WORDS}(?:\s*(?:[,;]|va|and)\s*{_ONGOING_WORDS})*\.?$")
# "Trước 31/03/2022", "trong năm 2023", "cuối quý II/2022": the grain is what counts.
_LEAD_RE = re.compile(r"^(?:truoc|trong|den|cuoi|het|by|before|until|in|end of|ngay)\s+")


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    year = int(text)
    if not 1900 <= year <= 2100:
        raise ValueError(text)
    return year


def _parse_due_text(text: str) -> tuple[str, dt.date | None]:
    key = search_key(text)
    if _ONGOING_RE.match(key):
        return Due.ONGOING, None
    while match := _LEAD_RE.match(key):
        key = key[match.end() :]
    for pattern in _QUARTER_RES:
        if match := pattern.match(key):
            quarter = ROMAN.get(match["q"]) or int(match["q"])
            return Due.QUARTER, _last_day(_year(match["y"]), quarter * 3)
    if match := _YEAR_RE.match(key):
        return Due.YEAR, dt.date(_year(match[1]), 12, 31)
    if match := _MONTH_RE.match(key):
        return Due.DAY, _last_day(_year(match[2]), int(match[1]))
    return Due.DAY, parse_date(key)


def parse_due(value) -> tuple[str, dt.date | None]:
    """A deadline as (kind, last day of its grain): a date; or text such as "15/03/2022",
    "03/2022" (the month's last day), "Q1-2022", "Quý I/2022", "quý 1 năm 2022", "2023",
    "năm 2023", "thường xuyên". None or blank is ongoing; other text fails."""
    if value is None:
        return Due.ONGOING, None
    if isinstance(value, dt.datetime):
        return Due.DAY, value.date()
    if isinstance(value, dt.date):
        return Due.DAY, value
    text = nfc(str(value))
    if not text:
        return Due.ONGOING, None
    try:
        kind, on = _parse_due_text(text)
    except ValueError:
        kind, on = Due.DAY, None
    if on is None and kind != Due.ONGOING:
        fail(errors.DUE_INVALID, "due_invalid", value=text)
    return kind, on


def format_due(kind: str, on: dt.date | None) -> str:
    """The deadline as plans write it: "Quý I/2022", "31/03/2022", "Năm 2023", "Thường
    xuyên" (parse_due reads each back)."""
    if kind == Due.ONGOING or on is None:
        return str(Due.ONGOING.label)
    if kind == Due.QUARTER:
        return _("Quarter %(quarter)s/%(year)s") % {
            "quarter": ROMAN_OF[(on.month - 1) // 3 + 1],
            "year": on.year,
        }
    if kind == Due.YEAR:
        return _("Year %(year)s") % {"year": on.year}
    return format_date(on)


def due_label(task: Task) -> str:
    """The task's deadline as people write it."""
    return format_due(task.due_kind, task.due_on)


# --- groups and tasks ----------------------------------------------------------------------


def _task_snapshot(task: Task) -> dict:
    return {
        **audit.snapshot(task, TASK_FIELDS),
        "responsible": sorted(task.responsible.values_list("code", flat=True)),
    }


@transaction.atomic
def create_group(
    *,
    actor,
    plan: Plan,
    title: str,
    number: int | None = None,
    scope: Scope | None = None,
    reason: str = "",
) -> TaskGroup:
    """A numbered group of tasks of `plan`; the number defaults to the next free one."""
    task_rules.check_open(plan)
    task_rules.check_manages(scope, plan)
    title = nfc(title or "")
    if not title:
        fail(errors.TITLE_REQUIRED, "title_required")
    number = task_rules.clean_number(number)
    if number is None:
        number = (plan.task_groups.aggregate(n=Max("number"))["n"] or 0) + 1
    task_rules.check_group_number_free(plan, number)
    group = TaskGroup.objects.create(plan=plan, number=number, title=title)
    audit.record(
        actor=actor,
        obj=group,
        action=Action.CREATE,
        after={"plan": plan.code, "number": number, "title": title},
        reason=reason,
    )
    return group


@transaction.atomic
def add_task(
    *,
    actor,
    group: TaskGroup,
    title: str,
    responsible=(),
    due=None,
    number: int | None = None,
    scope: Scope | None = None,
    reason: str = "",
) -> Task:
    """A task of `group`: the units that answer for it and its deadline (anything
    `parse_due` reads; None is ongoing). The number defaults to the next free one."""
    plan = group.plan
    task_rules.check_open(plan)
    task_rules.check_manages(scope, plan)
    title = nfc(title or "")
    if not title:
        fail(errors.TASK_TITLE_REQUIRED, "title_required")
    due_kind, due_on = parse_due(due)
    units = task_rules.check_responsible(plan, responsible)
    number = task_rules.clean_number(number)
    if number is None:
        number = (group.tasks.aggregate(n=Max("number"))["n"] or 0) + 1
    task_rules.check_task_number_free(group, number)
    task = Task.objects.create(
        group=group, number=number, title=title, due_kind=due_kind, due_on=due_on
    )
    task.responsible.set(units)
    audit.record(
        actor=actor, obj=task, action=Action.CREATE, after=_task_snapshot(task), reason=reason
    )
    return task


@transaction.atomic
def update_task(
    *,
    actor,
    task: Task,
    title=UNCHANGED,
    responsible=UNCHANGED,
    due=UNCHANGED,
    number=UNCHANGED,
    scope: Scope | None = None,
    reason: str = "",
) -> Task:
    """Change the fields given (title, responsible units, deadline, number); the others stay."""
    task = Task.objects.select_for_update().select_related("group__plan__owner").get(pk=task.pk)
    plan = task.group.plan
    task_rules.check_open(plan)
    task_rules.check_manages(scope, plan)
    before = _task_snapshot(task)
    if title is not UNCHANGED:
        task.title = nfc(title or "")
        if not task.title:
            fail(errors.TASK_TITLE_REQUIRED, "title_required")
    if due is not UNCHANGED:
        task.due_kind, task.due_on = parse_due(due)
    if number is not UNCHANGED:
        task.number = task_rules.clean_number(number) or task.number
        task_rules.check_task_number_free(task.group, task.number, exclude=task.pk)
    if responsible is not UNCHANGED:
        task.responsible.set(task_rules.check_responsible(plan, responsible))
    task.save()
    after = _task_snapshot(task)
    if after != before:
        audit.record(
            actor=actor, obj=task, action=Action.UPDATE, before=before, after=after, reason=reason
        )
    return task


# --- progress ------------------------------------------------------------------------------


@transaction.atomic
def report_progress(
    *,
    actor,
    task: Task,
    unit: Unit,
    on: dt.date,
    text: str,
    status: str,
    progress: int | None = None,
    files=(),
    scope: Scope | None = None,
) -> TaskUpdate:
    """A progress update of `task` for `unit` (a responsible unit or the plan's owner), with
    its files; the task takes the status and progress of its latest update."""
    task = Task.objects.select_for_update().select_related("group__plan__owner").get(pk=task.pk)
    plan = task.group.plan
    task_rules.check_open(plan)
    task_rules.check_report_unit(scope, task, unit)
    task_rules.check_report_date(plan, on)
    # Line breaks are kept: updates are often short lists of what was done.
    text = "\n".join(nfc(line) for line in (text or "").splitlines()).strip()
    if not text:
        fail(errors.REPORT_TEXT_REQUIRED, "text_required")
    rules.check_choice(status, Task.Status, "status")
    progress = task_rules.clean_progress(progress, status)
    files = task_rules.check_files(files)
    update = TaskUpdate.objects.create(
        task=task,
        unit=unit,
        on=on,
        text=text,
        status=status,
        progress=progress,
        author=audit.user_or_none(actor),
    )
    names = []
    for file in files:
        name = Path(file.name or "").name
        TaskAttachment.objects.create(update=update, file=file, name=name[:300])
        names.append(name)
    audit.record(
        actor=actor,
        obj=update,
        action=Action.CREATE,
        after={
            "task": task.pk,
            "unit": unit.code,
            "on": on.isoformat(),
            "status": status,
            "progress": progress,
            "files": names,
        },
    )
    # A late report of an earlier date is news, but does not undo what a later one said.
    if task.updates.values_list("pk", flat=True).first() == update.pk:
        before = audit.snapshot(task, ("status", "progress"))
        task.status = status
        if progress is not None:
            task.progress = progress
        after = audit.snapshot(task, ("status", "progress"))
        if after != before:
            task.save(update_fields=["status", "progress"])
            audit.record(
                actor=actor,
                obj=task,
                action=Action.UPDATE,
                operation="report_progress",
                before=before,
                after=after,
            )
    return update
