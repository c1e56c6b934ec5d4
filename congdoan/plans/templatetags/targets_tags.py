"""Filters of the target pages: figures as people write them, gaps, growth."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from congdoan.plans.calculators import CALCULATORS

register = template.Library()


def plain(value) -> Decimal | None:
    """1200.00 → 1200, 12.50 → 12.5: no trailing zeros, never an exponent."""
    if value is None or value == "":
        return None
    value = Decimal(str(value))
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


@register.filter
def figure(value) -> str:
    """A target as the active language writes it (1.200 or 12,5 in Vietnamese); "" for none."""
    number = plain(value)
    return "" if number is None else number_format(number, force_grouping=True)


@register.filter
def gap(value) -> str:
    """What the children lack to make their parent's target: "short by 120", "over by 30"."""
    if value is None or value == 0:
        return ""
    if value > 0:
        return _("short by %(n)s") % {"n": figure(value)}
    return _("over by %(n)s") % {"n": figure(-value)}


@register.filter
def growth(value) -> str:
    """0.125 → "+12,5 %"; a dash when there is no base."""
    if value is None:
        return "—"
    percent = round(Decimal(value) * 100, 1)
    sign = "+" if percent > 0 else ""
    return f"{sign}{number_format(percent, 1)} %"


@register.filter
def calculator_label(code: str) -> str:
    calculator = CALCULATORS.get(code or "")
    return calculator.label if calculator else (code or "—")


@register.filter
def canonical(value) -> str:
    """The value exactly as stored ("1200.00"), for the hidden fields the pages compare."""
    return "" if value is None else str(value)
