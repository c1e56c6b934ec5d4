"""Checks members asks org to run before reorganisations (see org.hooks)."""

import datetime as dt

from django.db.models import Q

from congdoan.core.dates import format_date
from congdoan.members import errors, rules
from congdoan.members.models import Membership
from congdoan.org.kinds import MEMBER_HOLDING


def refuse_kind_change_while_holding_members(*, unit, on: dt.date, kind: str) -> None:
    """A unit that stops holding members must first see its members move or leave."""
    if kind in MEMBER_HOLDING:
        return
    count = Membership.objects.filter(unit=unit).filter(Q(end__isnull=True) | Q(end__gt=on)).count()
    if count:
        rules.fail(
            errors.STILL_HOLDS_MEMBERS,
            "still_holds_members",
            unit=unit,
            count=count,
            date=format_date(on),
        )
