"""Filters of the organizing pages: the token of a case's forms, overdue next steps."""

import datetime as dt

from django import template

from congdoan.organizing.forms import case_token
from congdoan.organizing.models import State

register = template.Library()


@register.filter
def token(case) -> str:
    return case_token(case)


@register.filter
def is_overdue(case, on: dt.date) -> bool:
    """The next step of an active open case was due before `on`."""
    return bool(
        case.is_open
        and case.state == State.ACTIVE
        and case.next_step_due
        and case.next_step_due < on
    )
