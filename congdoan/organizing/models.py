"""Organizing cases: the campaign to found a grassroots union in one enterprise.

A case moves through the stages in order (Stage); its state says whether the work goes on,
is paused or has stopped. Every move is a dated StageEvent, so the date of each stage is
read from the history, never overwritten. Applicants are the workers who signed an
application; recognition turns them into members of the new union.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congdoan.enterprises.models import Enterprise
from congdoan.members.models import Gender, Member
from congdoan.org.models import Unit


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    BOARD = "board", _("Mobilisation board formed")
    APPLICATIONS = "applications", _("Applications collected")
    CONGRESS = "congress", _("Founding congress held")
    RECOGNISED = "recognised", _("Recognised")


#: The stages in order; a case moves one step at a time.
STAGES: list[str] = list(Stage.values)


class State(models.TextChoices):
    ACTIVE = "active", _("In progress")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


#: A case is open while it is neither recognised nor stopped: one per enterprise.
OPEN = ~Q(stage=Stage.RECOGNISED) & ~Q(state=State.STOPPED)


class Case(models.Model):
    """The campaign to found a union in `enterprise`, run by the upper-level unit `owner`."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="organizing_cases",
    )
    owner = models.ForeignKey(
        Unit,
        verbose_name=_("upper-level union in charge"),
        on_delete=models.PROTECT,
        related_name="organizing_cases",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    state_reason = models.CharField(_("reason"), max_length=500, blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    union = models.ForeignKey(
        Unit,
        verbose_name=_("grassroots union founded"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organizing case")
        verbose_name_plural = _("organizing cases")
        ordering = ["next_step_due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=OPEN, name="organizing_one_open_case"
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.RECOGNISED)
                | (Q(union__isnull=False) & Q(decision_date__isnull=False)),
                name="organizing_recognised_has_union",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "stage", "state"]),
            models.Index(fields=["state", "next_step_due"]),
        ]

    def __str__(self) -> str:
        return str(self.enterprise.name if self.enterprise_id else self.pk)

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.RECOGNISED and self.state != State.STOPPED

    @property
    def stage_index(self) -> int:
        return STAGES.index(self.stage)


class StageEvent(models.Model):
    """One dated step of a case: a stage reached (or stepped back to), or a state change."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        ADVANCED = "advanced", _("Moved forward")
        BACK = "back", _("Moved back (correction)")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Campaign resumed")
        STOPPED = "stopped", _("Stopped")
        RECOGNISED = "recognised", _("Recognised")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    # The stage the case is at after the event.
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage of a case")
        verbose_name_plural = _("stages of cases")
        ordering = ["case_id", "on", "pk"]
        indexes = [models.Index(fields=["case", "stage", "on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class Applicant(models.Model):
    """A worker of the enterprise who signed an application to join the new union."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="applicants")
    full_name = models.CharField(_("full name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    national_id = models.CharField(  # noqa: DJ001 (NULL when unknown: unique only when given)
        _("national ID (CCCD)"), max_length=12, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    position = models.CharField(_("job"), max_length=200, blank=True)
    applied_on = models.DateField(_("applied on"))
    # Set on recognition: the member the applicant became.
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["case_id", "applied_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "national_id"],
                condition=Q(national_id__isnull=False),
                name="applicant_national_id_once_per_case",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name
