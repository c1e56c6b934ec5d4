"""The only writers of reported values: the figures units give for reported indicators.

A figure covers a span of the calendar: a whole month, quarter or year. A span under way
may be reported (the figure so far, as in a six-month report) and corrected later; a span
that has not started may not. A correction keeps the figure before and after, with its
reason, in the audit (core.audit.history of the ReportedValue).

Who enters a unit's figures (Scope.can_enter_data): its clerks and managers, the managers of
the units above it, administrators; `scope=None` is the system (imports, demo data).
Grassroots unions report for their member unions, departments and groups, which do not
report on their own (the sums in plans.values stop at grassroots unions).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.dates import format_date, today
from congdoan.core.errors import fail
from congdoan.core.text import nfc
from congdoan.org import selectors as org_selectors
from congdoan.org.kinds import SUB_UNITS
from congdoan.org.models import Unit
from congdoan.plans import errors, rules
from congdoan.plans.models import Indicator, ReportedValue, Source

Action = audit.AuditEntry.Action
# Passed as `expected` when the caller has not read the figure before (no stale check).
ANY = object()
_VALUE_MESSAGES = {
    "value_required": errors.REPORTED_VALUE_REQUIRED,
    "value_negative": errors.REPORTED_VALUE_NEGATIVE,
}


def is_calendar_span(start: dt.date, end: dt.date) -> bool:
    """Whether start–end is one whole month, quarter or year."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1 or start.year != end.year:
        return False
    months = end.month - start.month + 1
    return months == 1 or (months == 3 and start.month % 3 == 1) or months == 12


def clean_figure(value) -> Decimal:
    """A figure as the targets read it (comma or point, two decimals, not negative)."""
    try:
        return rules.clean_value(value)
    except ValidationError as error:
        item = error.error_list[0]
        if item.code in _VALUE_MESSAGES:
            raise ValidationError(
                _VALUE_MESSAGES[item.code], code=item.code, params=item.params
            ) from None
        raise


def check_may_report(
    scope: Scope | None, indicator: Indicator, unit: Unit, start: dt.date, end: dt.date
) -> None:
    """Everything but the value: the indicator, the span, the unit on its last day, the user."""
    if scope is not None and not scope.can_enter_data(unit):
        fail(errors.REPORTED_NOT_ALLOWED, "not_allowed", unit=unit)
    if indicator.source != Source.REPORTED:
        fail(errors.REPORTED_ONLY, "not_reported", indicator=indicator)
    rules.check_dates(start, end)
    dates = {"start": format_date(start), "end": format_date(end)}
    if not is_calendar_span(start, end):
        fail(errors.REPORTED_SPAN_NOT_CALENDAR, "span_not_calendar", **dates)
    if start > today():
        fail(errors.REPORTED_SPAN_IN_FUTURE, "span_in_future", **dates)
    node = org_selectors.tree_as_of(end).nodes.get(unit.pk)
    if node is None:
        fail(errors.REPORTED_UNIT_NOT_ALIVE, "unit_not_alive", unit=unit, date=format_date(end))
    if node.kind in SUB_UNITS:
        fail(errors.REPORTED_SUB_UNIT, "sub_unit", unit=unit)


@transaction.atomic
def report_value(
    *,
    actor,
    indicator: Indicator,
    unit: Unit,
    starts_on: dt.date,
    ends_on: dt.date,
    value,
    note: str = "",
    reason: str = "",
    scope: Scope | None = None,
    expected=ANY,
) -> ReportedValue:
    """Report `unit`'s figure for the span, or correct it (a reason is then required).

    Reporting the same figure and note again changes nothing. `expected` is the figure the
    caller saw (None: none yet); when the stored one differs, someone changed it meanwhile
    and the call is refused.
    """
    check_may_report(scope, indicator, unit, starts_on, ends_on)
    figure = clean_figure(value)
    note, reason = nfc(note or ""), nfc(reason or "")
    row = (
        ReportedValue.objects.select_for_update()
        .filter(indicator=indicator, unit=unit, starts_on=starts_on, ends_on=ends_on)
        .first()
    )
    before = None if row is None else row.value
    if expected is not ANY and expected != before:
        fail(errors.REPORTED_STALE, "stale", unit=unit, value="—" if before is None else before)
    if row is not None and row.value == figure and row.note == note:
        return row
    if row is not None and row.value != figure and not reason:
        fail(
            errors.REPORTED_REASON_REQUIRED,
            "reason_required",
            unit=unit,
            before=before,
            after=figure,
        )
    facts = {
        "indicator": indicator.code,
        "unit": unit.code,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
    }
    if row is None:
        row = ReportedValue(
            indicator=indicator,
            unit=unit,
            starts_on=starts_on,
            ends_on=ends_on,
            reported_by=audit.user_or_none(actor),
        )
        old = None
    else:
        old = {"value": str(row.value), "note": row.note}
    row.value, row.note = figure, note
    row.save()
    audit.record(
        actor=actor,
        obj=row,
        action=Action.CREATE if old is None else Action.UPDATE,
        operation="report_value" if old is None else "correct_reported_value",
        before=old,
        after={**facts, "value": str(figure), "note": note},
        reason=reason,
    )
    return row


@transaction.atomic
def report_values(
    *,
    actor,
    indicator: Indicator,
    starts_on: dt.date,
    ends_on: dt.date,
    figures: dict[int, dict],
    reason: str = "",
    scope: Scope | None = None,
) -> list[ReportedValue]:
    """Report several units' figures for one span at once, all or nothing.

    `figures` maps a unit id to the keyword arguments of `report_value` for it: `value`,
    and optionally `note` and `expected`. The first refusal refuses them all.
    """
    units = Unit.objects.in_bulk(list(figures))
    return [
        report_value(
            actor=actor,
            indicator=indicator,
            unit=units[unit_id],
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            scope=scope,
            **figure,
        )
        for unit_id, figure in figures.items()
    ]
