"""Forms of the task pages: they read and check input; plans.tasks changes."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import Scope
from congdoan.core.dates import today
from congdoan.org.forms import DayField
from congdoan.org.kinds import MEMBER_HOLDING, SUB_UNITS
from congdoan.org.models import Unit
from congdoan.plans import task_selectors, tasks
from congdoan.plans.models import Plan, Task, TaskGroup

# Which field a service error belongs to, by its code; the others go above the form.
FIELD_OF_CODE = {
    "title_required": ("title",),
    "number_invalid": ("number",),
    "group_number_taken": ("number",),
    "task_number_taken": ("number",),
    "due_invalid": ("due",),
    "responsible_outside_plan": ("responsible",),
    "unit_not_responsible": ("unit",),
    "not_allowed": ("unit",),
    "date_required": ("on",),
    "date_in_future": ("on",),
    "date_before_plan": ("on",),
    "text_required": ("text",),
    "status_invalid": ("status",),
    "progress_invalid": ("progress",),
    "attachment_type": ("files",),
    "attachment_too_big": ("files",),
}
DUE_HELP = _(
    "A date (15/03/2022), a month (03/2022), a quarter (Q1-2022 or Quý I/2022), a year (2023) "
    "or “thường xuyên”; empty: ongoing."
)


class ServiceErrorsMixin:
    """Puts a service's ValidationError beside the field it is about."""

    def add_service_error(self, error: ValidationError) -> None:
        for item in error.error_list:
            fields = FIELD_OF_CODE.get(item.code, ())
            field = next((f for f in fields if f in self.fields), None)
            self.add_error(field, item)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class GroupForm(ServiceErrorsMixin, forms.Form):
    number = forms.IntegerField(
        label=_("Number"), required=False, min_value=1, help_text=_("Empty: the next number.")
    )
    title = forms.CharField(label=_("Title"), max_length=500, required=False)


def responsible_choices(plan: Plan, task: Task | None = None):
    """Living upper-level units from the plan's owner down, and those already chosen."""
    units = Unit.objects.filter(path__startswith=plan.owner.path, is_active=True).exclude(
        kind__in=MEMBER_HOLDING | SUB_UNITS
    )
    if task is not None:
        units = Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(plan_tasks=task))
    return units.distinct().order_by("path")


class TaskForm(ServiceErrorsMixin, forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=TaskGroup.objects.none())
    number = forms.IntegerField(
        label=_("Number"), required=False, min_value=1, help_text=_("Empty: the next number.")
    )
    title = forms.CharField(
        label=_("Task"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due = forms.CharField(label=_("Deadline"), max_length=60, required=False, help_text=DUE_HELP)

    def __init__(self, data=None, *, plan: Plan, task: Task | None = None, group=None):
        initial = {"group": group}
        if task is not None:
            initial = {
                "number": task.number,
                "title": task.title,
                "responsible": list(task.responsible.all()),
                "due": "" if task.due_kind == Task.Due.ONGOING else tasks.due_label(task),
            }
        super().__init__(data, initial=initial)
        self.plan = plan
        if task is None:
            self.fields["group"].queryset = plan.task_groups.order_by("number")
        else:
            del self.fields["group"]
        self.fields["responsible"].queryset = responsible_choices(plan, task)


class ReportForm(ServiceErrorsMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Reporting unit"), queryset=Unit.objects.none())
    on = DayField(label=_("Date"))
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"), required=False, min_value=0, max_value=100,
        help_text=_("0 to 100; a done task counts 100."),
    )  # fmt: skip
    text = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("PDF, Word, Excel, OpenDocument or photos (JPG, PNG), at most 20 MB each."),
    )  # fmt: skip

    def __init__(self, data=None, files=None, *, task: Task, units: list[Unit]):
        initial = {"on": today(), "status": task.status, "progress": task.progress}
        if len(units) == 1:
            initial["unit"] = units[0]
        super().__init__(data, files, initial=initial)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by(
            "path"
        )


class TaskFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.none(), required=False,
        to_field_name="code", empty_label=_("All units"),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Task.Status.choices]
    )

    def __init__(self, data=None, *, plan: Plan):
        super().__init__(data)
        self.fields["unit"].queryset = task_selectors.task_units(plan)


class NewsFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="code",
        empty_label=_("All units"),
        help_text=_("The unit's updates and those of the units under it."),
    )  # fmt: skip

    def __init__(self, data=None, *, scope: Scope, plan: Plan):
        super().__init__(data)
        self.fields["unit"].queryset = task_selectors.news_units(scope, plan)
