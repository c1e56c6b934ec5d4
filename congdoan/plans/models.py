"""Plans: what is measured (indicators), the plans that use them, and their targets.

A target is one figure per plan × indicator × unit × period. Every change of a target
keeps a TargetChange row (who, when, why, before and after) besides the audit entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from congdoan.org.models import Unit


class Measure(models.TextChoices):
    PEOPLE = "people", _("People")
    UNITS = "units", _("Units")
    PERCENT = "percent", _("Percent")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    RATIO = "ratio", _("Ratio of summed numerator and denominator")
    NONE = "none", _("Does not aggregate")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from the registry")
    REPORTED = "reported", _("Reported by units")
    FORMULA = "formula", _("Formula over other indicators")


class Indicator(models.Model):
    """What is measured, how it is obtained and how it adds up the tree."""

    # An identifier (letters, digits, underscore) so formulas can name it.
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    calculator = models.CharField(_("calculator"), max_length=60, blank=True)
    formula = models.TextField(_("formula"), blank=True)
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # For coverage indicators: enterprises with at least this many workers.
    min_workers = models.PositiveIntegerField(_("minimum workers"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_summed(self) -> bool:
        return self.aggregation == Aggregation.SUM


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=500)
    owner = models.ForeignKey(
        Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="plans"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), related_name="plans", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="plan_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class PlanDocument(models.Model):
    """A source document of a plan: a resolution, a programme, … (PDF or Word)."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Resolution")
        PROGRAMME = "programme", _("Programme")
        PLAN = "plan", _("Plan")
        GUIDANCE = "guidance", _("Guidance")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="plans/")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["plan_id", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Period(models.Model):
    """A year or a phase (e.g. 2022–2023) of a plan."""

    class Kind(models.TextChoices):
        YEAR = "year", _("Year")
        PHASE = "phase", _("Phase")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(_("label"), max_length=40)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.YEAR)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["plan_id", "starts_on", "-ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="period_label_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="period_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "unit", "period"], name="target_once"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period_id}: {self.value}"


class TargetChange(models.Model):
    """One change of a target: the history the issue asks for (who, when, why)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="changes")
    before = models.DecimalField(
        _("before"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    after = models.DecimalField(_("after"), max_digits=14, decimal_places=2)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")
        ordering = ["target_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


# --- tasks and solutions -------------------------------------------------------------------


class TaskGroup(models.Model):
    """A group of tasks and solutions of a plan (a plan often has five or six)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)

    class Meta:
        verbose_name = _("group of tasks")
        verbose_name_plural = _("groups of tasks")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_group_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Task(models.Model):
    """One task or solution: who answers for it, by when, and how far it has come."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Due(models.TextChoices):
        # Plans set deadlines at several grains: "by 15/03/2022", "Q1-2022", "in 2023", or
        # "regularly" (thường xuyên). `due_on` is the last day of the grain; none for ongoing.
        DAY = "day", _("Date")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")
        ONGOING = "ongoing", _("Ongoing")

    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("task"))
    responsible = models.ManyToManyField(
        Unit, verbose_name=_("responsible units"), related_name="plan_tasks", blank=True
    )
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    due_kind = models.CharField(
        _("deadline kind"), max_length=8, choices=Due.choices, default=Due.DAY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    # The share done as of the last update, 0–100; None until someone says.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["group_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="task_number_once"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="task_progress_percent",
            ),
            models.CheckConstraint(
                condition=Q(due_kind="ongoing", due_on__isnull=True)
                | (~Q(due_kind="ongoing") & Q(due_on__isnull=False)),
                name="task_due_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]


class TaskUpdate(models.Model):
    """A progress report on a task; together they are the plan's activity news."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    # The unit reporting (one of the responsible units, or the plan's owner).
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="task_updates"
    )
    on = models.DateField(_("date"))
    text = models.TextField(_("what was done"))
    status = models.CharField(_("status"), max_length=12, choices=Task.Status.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["task", "-on"], name="task_update_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="task_update_progress_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:60]}"


class TaskAttachment(models.Model):
    """A file attached to a progress update: minutes, photos, a report."""

    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="plans/tasks/")
    name = models.CharField(_("name"), max_length=300)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["update_id", "pk"]

    def __str__(self) -> str:
        return self.name


# --- reported values -----------------------------------------------------------------------


class ReportedValue(models.Model):
    """A unit's figure for a reported indicator over a span (a year, a quarter, a month).

    One row per indicator × unit × span: a correction changes the row, and the audit keeps
    each before and after with its reason (core.audit.history).
    """

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="reported_values",
        limit_choices_to={"source": Source.REPORTED},
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reported_values"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["indicator_id", "starts_on", "ends_on", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "starts_on", "ends_on"], name="reported_value_once"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="reported_value_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="reported_value_dates_in_order"
            ),
        ]
        # Sums over a subtree read every unit's figure for one indicator and span at once.
        indexes = [
            models.Index(fields=["indicator", "starts_on", "ends_on"], name="reported_value_span")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id} {self.starts_on}–{self.ends_on}: {self.value}"
