from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congdoan.org.kinds import UnitKind


def path_ids(path: str) -> list[int]:
    """The unit ids along a materialised path ("/1/7/42/"), from the top down."""
    return [int(part) for part in (path or "").split("/") if part]


class Unit(models.Model):
    """A node of the union hierarchy, identified by a stable code.

    UnitVersion rows are the truth about its name, kind and parent over time. The fields
    below `code` restate them as of today and are rebuilt by org.services after every
    reorganisation: they let scope checks and listings filter by `path` without walking
    versions. A unit that has ended keeps its last name and kind, and its `path` places it
    under the unit that carries its history on (its successor, else its last parent).
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_children",
    )
    path = models.CharField(max_length=1000, db_index=True, editable=False)
    # Code and name without accents, lower case: "Nguyen Van An" finds "Nguyễn Văn An".
    search_key = models.CharField(max_length=300, default="", editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    starts_on = models.DateField(_("since"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def holds_members(self) -> bool:
        from congdoan.org.kinds import MEMBER_HOLDING

        return self.kind in MEMBER_HOLDING


class OrgEvent(models.Model):
    """A recorded reorganisation: what was done, effective when, by whom and why."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Created")
        RENAME = "rename", _("Renamed")
        MOVE = "move", _("Moved")
        CHANGE_KIND = "change_kind", _("Kind changed")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")
        DISSOLVE = "dissolve", _("Dissolved")

    kind = models.CharField(_("operation"), max_length=20, choices=Kind.choices)
    effective_on = models.DateField(_("effective date"))
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    units = models.ManyToManyField(Unit, related_name="events", verbose_name=_("units"))
    summary = models.CharField(_("summary"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y}: {self.summary}"


class UnitVersion(models.Model):
    """Name, kind and parent of a unit from `valid_from` up to (not including) `valid_to`."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        Unit,
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_versions",
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    event = models.ForeignKey(
        OrgEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )

    class Meta:
        verbose_name = _("unit version")
        verbose_name_plural = _("unit versions")
        ordering = ["unit_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_version_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="unit_version_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["valid_from", "valid_to"]),
            # The last version ended by a date: where a structure's epoch begins (forest).
            models.Index(fields=["valid_to"], name="unit_version_end"),
            models.Index(fields=["parent", "name_key"]),
        ]

    def __str__(self) -> str:
        until = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "…"
        return f"{self.name} [{self.valid_from:%d/%m/%Y} – {until})"
