"""Counts of members kept per grassroots union, so that figures of any unit on any date
are sums of a few rows, not counts over the spans of millions of people.

Like DHIS2's analytics tables, they are derived data: `congdoan rebuild` recomputes them
from the membership spans, and the members services keep them current (members.span_hooks).
A span counts from its start up to the day before its end; suspended members count.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdoan.org.models import Unit

#: Figures that are a stock: how many on a date.
STOCKS = ("members", "female", "suspended", "non_state")
#: Figures that are a flow: how many events in a period.
FLOWS = ("joined", "left", "transferred_in", "transferred_out")
FIGURES = STOCKS + FLOWS


class Counts(models.Model):
    members = models.IntegerField(_("members"), default=0)
    female = models.IntegerField(_("female members"), default=0)
    suspended = models.IntegerField(_("suspended members"), default=0)
    non_state = models.IntegerField(_("members in the non-state sector"), default=0)
    joined = models.IntegerField(_("joined"), default=0)
    left = models.IntegerField(_("left"), default=0)
    transferred_in = models.IntegerField(_("transferred in"), default=0)
    transferred_out = models.IntegerField(_("transferred out"), default=0)

    class Meta:
        abstract = True


# The unit foreign keys carry no database constraint and no index of their own: the rows are
# derived from spans whose own key is checked, a rebuild writes millions of them, and the
# unique (unit, day/month) index already serves lookups by unit.


class UnitDay(Counts):
    """One union's changes on one day: stocks as the day's change (spans begun minus spans
    ended), flows as the day's events. Only days with a change have a row."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="unitday_unique")]
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y}"


class UnitMonth(Counts):
    """One union in one month: stocks as they stood on its first day before that day's
    changes (the opening), flows as the month's events. Kept for every month in Checkpoint."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="unitmonth_unique")]
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y}"


def new_stamp() -> int:
    return secrets.randbits(62)


class Checkpoint(models.Model):
    """A month whose UnitMonth rows are there for every union (a row per union with any
    figure not zero). Months after the last one are made when first read."""

    month = models.DateField(unique=True)
    # Drawn anew whenever the month's rows change (a back-dated change, a rebuild makes new
    # months): a process that keeps the rows in memory knows by it whether they still hold.
    # Random, not a counter: ids and counters repeat after a rolled-back transaction.
    stamp = models.BigIntegerField(default=new_stamp, editable=False)

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"
