"""Enterprises: who they are, and — each dated — their workers, their status and their union.

Every figure the coverage indicator needs "on date D" is a row valid on D: the latest
Headcount on or before D, the StatusPeriod covering D, the UnionLink covering D. Nothing
is overwritten, so the coverage of any past date can be recomputed.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from congdoan.org.models import Unit


class Ownership(models.TextChoices):
    STATE = "state", _("State")
    NON_STATE = "non_state", _("Non-state domestic")
    FOREIGN = "foreign", _("Foreign-invested")
    COOPERATIVE = "cooperative", _("Cooperative")
    OTHER = "other", _("Other")


#: The non-state sector (khu vực ngoài nhà nước) of the plans: every ownership but state and other.
NON_STATE_SECTOR = frozenset({Ownership.NON_STATE, Ownership.FOREIGN, Ownership.COOPERATIVE})


class Status(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended operations")
    DISSOLVED = "dissolved", _("Dissolved")


class Enterprise(models.Model):
    """An employer, identified by its tax code (MST)."""

    # 10 digits, or "0123456789-001" for a branch.
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=255)
    # Tax code and name without accents, lower case, for search.
    search_key = models.CharField(max_length=300, default="", editable=False)
    address = models.CharField(_("address"), max_length=500, blank=True)
    # The upper-level union whose area the enterprise lies in (district federation,
    # industrial-zone union, commune union, …). Not dated: an enterprise moved to another
    # area counts under its new area unit at every date.
    area_unit = models.ForeignKey(
        Unit,
        verbose_name=_("area unit"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    ownership = models.CharField(
        _("ownership"), max_length=20, choices=Ownership.choices, default=Ownership.OTHER
    )
    industry = models.CharField(_("industry"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "tax_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class Headcount(models.Model):
    """How many workers the enterprise had on `as_of`, and where the figure came from."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="headcounts")
    as_of = models.DateField(_("as of"))
    workers = models.IntegerField(_("workers"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")
        ordering = ["enterprise_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "as_of"], name="headcount_one_per_day"),
            models.CheckConstraint(condition=Q(workers__gte=0), name="headcount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.workers} ({self.as_of:%d/%m/%Y})"


class StatusPeriod(models.Model):
    """The enterprise's operating status from `valid_from` up to (not including) `valid_to`."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="status_periods"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("operating status")
        verbose_name_plural = _("operating statuses")
        ordering = ["enterprise_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "valid_from"], name="status_period_start"
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(valid_to__isnull=True),
                name="status_period_one_open",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="status_period_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        until = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "…"
        return f"{self.get_status_display()} [{self.valid_from:%d/%m/%Y} – {until})"


class UnionLink(models.Model):
    """The grassroots union in the enterprise from `valid_from` up to (not incl.) `valid_to`."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="union_links")
    union = models.ForeignKey(
        Unit,
        verbose_name=_("grassroots union"),
        on_delete=models.PROTECT,
        related_name="enterprise_links",
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("union in an enterprise")
        verbose_name_plural = _("unions in enterprises")
        ordering = ["enterprise_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(valid_to__isnull=True),
                name="union_link_one_open",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="union_link_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        until = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "…"
        return f"{self.union_id} [{self.valid_from:%d/%m/%Y} – {until})"
