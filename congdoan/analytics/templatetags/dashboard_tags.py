"""Filters of the dashboard: figures as the active language writes them, status labels."""

from django import template
from django.utils.formats import number_format

from congdoan.analytics.status import LABELS

register = template.Library()

# Every status is written out beside its colour: colour alone says nothing to a colour-blind
# reader or on a black-and-white printout.
STATUS_LABELS = LABELS


@register.filter
def status_label(code: str | None) -> str:
    return str(STATUS_LABELS.get(code or "", code or "—"))


def figure_text(value, measure: str = "") -> str:
    """63000.0 → "63.000"; a percentage measure → "72,6 %"; a dash for none."""
    if value is None or value == "":  # "": a figure of a unit the plan has nothing for
        return "—"
    if measure == "percent":
        return f"{number_format(round(value, 1), 1)} %"
    return number_format(round(value), 0, force_grouping=True)


@register.filter
def figure(value, measure: str = "") -> str:
    return figure_text(value, measure)


@register.filter
def achieved(value) -> str:
    """A share of the target achieved: 97.55 → "97,6 %"."""
    return "—" if value is None or value == "" else f"{number_format(round(value, 1), 1)} %"
