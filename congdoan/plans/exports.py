"""A plan's progress report as an .xlsx, in the layout a federation sends upward.

The first sheet sums up every indicator for one unit (the plan's owner, or a unit under it):
its target for the year, what has been done so far and the share achieved. Then one sheet
per indicator that gives targets to the units directly under it, with a native Excel column
chart of targets against results, so the file can go into a report without being redrawn.

Figures run from the start of the year period containing the date (else the last one) to
the date itself: an at-date indicator gives its value on that day, an in-period one what
happened since the period began (plans.values). Totals are Excel formulas with the computed
sums as their cached results, so the file reads the same before and after recalculation.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

import xlsxwriter
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from xlsxwriter.utility import xl_rowcol_to_cell

from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.org.models import Unit
from congdoan.plans import selectors
from congdoan.plans.models import Direction, Indicator, Measure, Period, Plan, Target
from congdoan.plans.values import Evaluator, Value

OPERATION = "export_progress"
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")

TITLE = _("PROGRESS REPORT: %(title)s (%(code)s)")
AS_OF = _("Figures as of %(date)s")
PERIOD = _("Period %(period)s, from %(start)s")
NO_PERIOD = _("The plan has no yearly period yet: no targets to compare with.")
INCOMPLETE = _("Not every unit has reported yet")
NO_VALUE = _("No figure yet")
TOTAL = pgettext_lazy("progress report", "Total")
WHOLE_UNIT = _("%(unit)s as a whole")
CHART_TITLE = _("%(indicator)s: target and actual by unit")

SUMMARY_SHEET = pgettext_lazy("progress report", "Summary")
SUMMARY_COLUMNS = (
    (pgettext_lazy("progress report", "No."), 6),
    (pgettext_lazy("progress report", "Indicator"), 48),
    (pgettext_lazy("progress report", "Unit of measure"), 12),
    (pgettext_lazy("progress report", "Target for %(year)s"), 14),
    (pgettext_lazy("progress report", "Actual"), 14),
    (pgettext_lazy("progress report", "Achieved (%)"), 12),
    (pgettext_lazy("progress report", "Notes"), 30),
)
UNIT_COLUMNS = (
    (pgettext_lazy("progress report", "No."), 6),
    (pgettext_lazy("progress report", "Unit code"), 12),
    (pgettext_lazy("progress report", "Unit"), 36),
    (pgettext_lazy("progress report", "Target"), 14),
    (pgettext_lazy("progress report", "Actual"), 14),
    (pgettext_lazy("progress report", "Achieved (%)"), 12),
)
#: Row index (0-based) of the tables' header: under the unit, the title and the date.
HEADER_ROW = 4
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Export:
    """What was written: the unit reported on, the date, and the file's suggested name."""

    unit: Unit
    as_of: dt.date
    filename: str
    sheets: int


def report_period(plan: Plan, as_of: dt.date) -> Period | None:
    """The year period containing `as_of`, else the last one that has begun, else the first."""
    years = list(plan.periods.filter(kind=Period.Kind.YEAR).order_by("starts_on"))
    for period in years:
        if period.starts_on <= as_of <= period.ends_on:
            return period
    begun = [period for period in years if period.starts_on <= as_of]
    if begun:
        return begun[-1]
    return years[0] if years else None


def rate(indicator: Indicator, target: Decimal | None, actual: Decimal | None) -> Decimal | None:
    """Actual as a share of the target (%), for indicators where more is better."""
    if indicator.direction != Direction.HIGHER or not target or actual is None:
        return None
    return (actual / target * HUNDRED).quantize(Decimal("0.1"))


def sheet_name(code: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the file."""
    base = _SHEET_FORBIDDEN.sub("-", code).strip("'")[:31] or "Sheet"
    name, number = base, 1
    while name.lower() in taken:
        number += 1
        suffix = f"~{number}"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


class _Formats:
    def __init__(self, workbook) -> None:
        add = workbook.add_format
        self.unit = add({"bold": True, "font_size": 11})
        self.title = add({"bold": True, "font_size": 14})
        self.italic = add({"italic": True})
        self.header = add(
            {
                "bold": True,
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#DDEBF7",
            }
        )
        self.text = add({"border": 1, "text_wrap": True, "valign": "top"})
        self.code = add({"border": 1, "num_format": "@", "valign": "top"})
        self.whole = add({"border": 1, "num_format": "#,##0", "valign": "top"})
        self.decimal = add({"border": 1, "num_format": "#,##0.00", "valign": "top"})
        self.rate = add({"border": 1, "num_format": "0.0", "valign": "top"})
        self.total_text = add({"border": 1, "bold": True})
        self.total_whole = add({"border": 1, "bold": True, "num_format": "#,##0"})
        self.total_decimal = add({"border": 1, "bold": True, "num_format": "#,##0.00"})
        self.total_rate = add({"border": 1, "bold": True, "num_format": "0.0"})

    def number(self, indicator: Indicator, total: bool = False):
        if indicator.measure == Measure.PERCENT:
            return self.total_decimal if total else self.decimal
        return self.total_whole if total else self.whole


def _put(sheet, row: int, col: int, value: Decimal | None, fmt) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, float(value), fmt)


def _titles(sheet, formats: _Formats, plan: Plan, unit: Unit, as_of: dt.date, period) -> None:
    sheet.write_string(0, 0, f"{unit.name} ({unit.code})", formats.unit)
    sheet.write_string(1, 0, str(TITLE) % {"title": plan.title, "code": plan.code}, formats.title)
    sheet.write_string(2, 0, str(AS_OF) % {"date": format_date(as_of)}, formats.italic)
    if period is None:
        sheet.write_string(3, 0, str(NO_PERIOD), formats.italic)
    else:
        shown = {"period": period.label, "start": format_date(period.starts_on)}
        sheet.write_string(3, 0, str(PERIOD) % shown, formats.italic)


def _headers(sheet, formats: _Formats, columns, **params) -> None:
    for col, (label, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        text = str(label)
        # Only the headers with a placeholder are formatted: "Achieved (%)" is not one.
        sheet.write_string(HEADER_ROW, col, text % params if "%(" in text else text, formats.header)
    sheet.set_row(HEADER_ROW, 32)
    sheet.freeze_panes(HEADER_ROW + 1, 0)


def write_progress_report(
    plan: Plan, scope, stream: IO[bytes], *, as_of: dt.date, unit: Unit | None = None
) -> Export:
    """Write the progress of `plan` for `unit` (default: its owner) on `as_of` to `stream`.

    The caller has checked that the user sees the plan and the unit (selectors.plan_for,
    selectors.sees_unit); `scope` is kept for the same reason as elsewhere: a report only
    ever shows units the user may see.
    """
    unit = unit or plan.owner
    period = report_period(plan, as_of)
    indicators = list(plan.indicators.order_by("code"))
    start = period.starts_on if period else plan.starts_on
    # The units as the structure stood when the targets were set: at the period's start.
    children = selectors.children_of(unit, period.starts_on) if period else []
    children = [child for child in children if selectors.sees_unit(scope, child)]
    targets: dict[tuple[int, int], Decimal] = {}
    if period is not None:
        rows = Target.objects.filter(
            plan=plan, period=period, unit__in=[unit, *children]
        ).values_list("indicator_id", "unit_id", "value")
        targets = {(indicator_id, unit_id): value for indicator_id, unit_id, value in rows}
    evaluator = Evaluator(start, as_of) if start <= as_of else None

    def actual(indicator: Indicator, of: Unit) -> Value:
        if evaluator is None:
            return Value(None, complete=False)
        found = evaluator.value(indicator, of)
        if found.value is None:
            return found
        # Values come unrounded (a share of 71.716…%): the report shows what targets hold.
        return Value(found.value.quantize(CENTS), found.complete, found.missing)

    workbook = xlsxwriter.Workbook(stream, {"in_memory": True})
    workbook.set_properties({"title": str(TITLE) % {"title": plan.title, "code": plan.code}})
    formats = _Formats(workbook)
    taken: set[str] = set()

    summary = workbook.add_worksheet(sheet_name(str(SUMMARY_SHEET), taken))
    _titles(summary, formats, plan, unit, as_of, period)
    year = period.starts_on.year if period else as_of.year
    _headers(summary, formats, SUMMARY_COLUMNS, year=year)
    for number, indicator in enumerate(indicators, start=1):
        row = HEADER_ROW + number
        target = targets.get((indicator.pk, unit.pk))
        done = actual(indicator, unit)
        summary.write_number(row, 0, number, formats.whole)
        summary.write_string(row, 1, indicator.name, formats.text)
        summary.write_string(row, 2, indicator.get_measure_display(), formats.text)
        _put(summary, row, 3, target, formats.number(indicator))
        _put(summary, row, 4, done.value, formats.number(indicator))
        _put(summary, row, 5, rate(indicator, target, done.value), formats.rate)
        note = ""
        if done.value is None:
            note = str(NO_VALUE)
        elif not done.complete:
            note = str(INCOMPLETE)
        summary.write_string(row, 6, note, formats.text)

    sheets = 1
    for indicator in indicators:
        given = [child for child in children if (indicator.pk, child.pk) in targets]
        if not given:
            continue
        sheet = workbook.add_worksheet(sheet_name(indicator.code, taken))
        _unit_sheet(
            workbook, sheet, formats, indicator, given, targets, actual,
            plan=plan, unit=unit, as_of=as_of, period=period,
        )  # fmt: skip
        sheets += 1
    workbook.close()
    slug = re.sub(r"[^0-9A-Za-z_-]+", "-", f"{plan.code}-{unit.code}").strip("-")
    return Export(
        unit=unit, as_of=as_of, filename=f"tien-do-{slug}-{as_of:%Y%m%d}.xlsx", sheets=sheets
    )


def _unit_sheet(
    workbook, sheet, formats, indicator, units, targets, actual, *, plan, unit, as_of, period
) -> None:
    _titles(sheet, formats, plan, unit, as_of, period)
    sheet.write_string(HEADER_ROW - 1, 0, indicator.name, formats.unit)
    _headers(sheet, formats, UNIT_COLUMNS)
    number_format = formats.number(indicator)
    target_sum, actual_sum = Decimal(0), Decimal(0)
    for number, child in enumerate(units, start=1):
        row = HEADER_ROW + number
        target = targets.get((indicator.pk, child.pk))
        done = actual(indicator, child).value
        target_sum += target or 0
        actual_sum += done or 0
        sheet.write_number(row, 0, number, formats.whole)
        sheet.write_string(row, 1, child.code, formats.code)
        sheet.write_string(row, 2, child.name, formats.text)
        _put(sheet, row, 3, target, number_format)
        _put(sheet, row, 4, done, number_format)
        _put(sheet, row, 5, rate(indicator, target, done), formats.rate)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(units)
    total = last + 1
    total_format = formats.number(indicator, total=True)
    if indicator.is_summed:
        sheet.merge_range(total, 0, total, 2, str(TOTAL), formats.total_text)
        for col, value in ((3, target_sum), (4, actual_sum)):
            cells = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)}"
            sheet.write_formula(total, col, f"=SUM({cells})", total_format, float(value))
        target_cell, actual_cell = xl_rowcol_to_cell(total, 3), xl_rowcol_to_cell(total, 4)
        shown = rate(indicator, target_sum, actual_sum)
        if shown is not None:
            formula = f'=IF({target_cell}=0,"",ROUND({actual_cell}/{target_cell}*100,1))'
            sheet.write_formula(total, 5, formula, formats.total_rate, float(shown))
        else:
            sheet.write_blank(total, 5, None, formats.total_rate)
    else:
        # A share or a ratio does not add up: the unit's own figures stand for the whole.
        target = targets.get((indicator.pk, unit.pk))
        done = actual(indicator, unit).value
        label = str(WHOLE_UNIT) % {"unit": unit.name}
        sheet.merge_range(total, 0, total, 2, label, formats.total_text)
        _put(sheet, total, 3, target, total_format)
        _put(sheet, total, 4, done, total_format)
        _put(sheet, total, 5, rate(indicator, target, done), formats.total_rate)

    chart = workbook.add_chart({"type": "column"})
    name = sheet.get_name().replace("'", "''")
    categories = f"='{name}'!$C${first + 1}:$C${last + 1}"
    for letter in "DE":  # the target and the actual
        chart.add_series(
            {
                "name": f"='{name}'!${letter}${HEADER_ROW + 1}",
                "categories": categories,
                "values": f"='{name}'!${letter}${first + 1}:${letter}${last + 1}",
                "data_labels": {"value": True},
            }
        )
    chart.set_title({"name": str(CHART_TITLE) % {"indicator": indicator.code}})
    chart.set_legend({"position": "bottom"})
    chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 620, "height": 360})
    sheet.insert_chart(HEADER_ROW, len(UNIT_COLUMNS) + 1, chart)


def record_export(*, actor, plan: Plan, done: Export) -> None:
    """One audit entry per export: who took which unit's progress out of the system."""
    audit.record(
        actor=actor,
        obj=plan,
        action=audit.AuditEntry.Action.VIEW,
        operation=OPERATION,
        after={"unit": done.unit.code, "as_of": format_date(done.as_of)},
    )
