"""The rejected rows of an import as an .xlsx in the file's own layout, to fix and re-upload.

The sheet keeps the file's title rows, its header (both rows of a two-row header, merged
cells re-merged) and numbering row, then only the rejected rows with their cells as read,
and a last column "Lỗi" listing each row's problems; the cells at fault are filled red.
Re-importing the fixed file finds the same header, so the clerk changes cells, not columns.
"""

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congdoan.imports.pipeline import ImportResult
from congdoan.imports.specs.base import RowError

ERRORS_HEADER = _("Errors")
COLUMN_ERROR = _("Column %(column)s: %(message)s")

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# Excel's own "Bad" style, which clerks recognise.
BAD_FILL, BAD_FONT = "#FFC7CE", "#9C0006"
MAX_WIDTH = 60
# Digits-only text (codes, national IDs, tax codes): the "@" format keeps it text when a
# clerk retypes the cell, so the leading zeros survive the fix as well.
_ID_LIKE = re.compile(r"^[0-9][0-9 .\-]*$")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_rejects(result: ImportResult, target: str | Path | BinaryIO) -> int:
    """Write the rejected rows of `result` to `target` (a path or a binary stream).

    Returns the number of rows written; the file is written even when there are none, so
    a caller that asked for it always gets one.
    """
    layout = result.layout
    # The rows above the data come from the file again; the rejected rows kept their cells
    # (the import does not keep the file's other rows).
    top = layout.table.head(layout.data_start) if layout else []
    rows = result.rejected_rows
    kept = [*top, *(r.cells for r in rows)]
    width = max((len(cells) for cells in kept), default=0)
    merges = [
        m for m in (layout.table.merges if layout else []) if m[1][0] < len(top) and m[0] != m[1]
    ]
    # After the last cell used, merged ones included: a merged header may end on blanks.
    error_col = max(_last_used_column(kept), *(c1 for _, (_r1, c1) in merges), -1) + 1
    by_header = _column_indexes(layout)

    options = {"in_memory": True} if not isinstance(target, str | Path) else {}
    workbook = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), options)
    formats = _Formats(workbook)
    sheet = workbook.add_worksheet(_sheet_name(layout.table.name if layout else ""))
    widths: dict[int, int] = {}

    header_rows = {n - 1 for n in (layout.header_rows if layout else ())}
    merged_cells = {
        (r, c)
        for (r0, c0), (r1, c1) in merges
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
    }
    for index, cells in enumerate(top):
        kind = "header" if index in header_rows else "title"
        for col, value in enumerate(cells):
            if (index, col) not in merged_cells:
                _write(sheet, formats, index, col, value, kind=kind, widths=widths)
    for (r0, c0), (r1, c1) in merges:
        kind = "header" if r0 in header_rows else "title"
        value = top[r0][c0] if c0 < len(top[r0]) else ""
        sheet.merge_range(r0, c0, r1, c1, "", formats.get(kind))
        _write(sheet, formats, r0, c0, value, kind=kind, widths=None)
    if header_rows:
        first, last = min(header_rows), max(header_rows)
        label = gettext(ERRORS_HEADER)
        if last > first:
            sheet.merge_range(first, error_col, last, error_col, label, formats.get("header"))
        else:
            sheet.write_string(first, error_col, label, formats.get("header"))

    for offset, row in enumerate(rows):
        index = len(top) + offset
        cells = row.cells
        bad = {by_header[e.column] for e in row.errors if e.column in by_header}
        for col in range(width):
            value = cells[col] if col < len(cells) else ""
            _write(sheet, formats, index, col, value, kind="data", bad=col in bad, widths=widths)
        sheet.write_string(index, error_col, _messages(row.errors), formats.get("error"))

    for col, chars in widths.items():
        sheet.set_column(col, col, min(max(chars, 6) + 2, MAX_WIDTH))
    sheet.set_column(error_col, error_col, MAX_WIDTH)
    if top:
        sheet.freeze_panes(len(top), 0)
    workbook.close()
    return len(rows)


def _last_used_column(rows: Sequence[Sequence[Any]]) -> int:
    last = -1
    for cells in rows:
        for col, value in enumerate(cells):
            if value not in ("", None):
                last = max(last, col)
    return last


def _column_indexes(layout) -> dict[str, int]:
    """Header as the errors name it → 0-based column of the file."""
    if layout is None:
        return {}
    return {
        layout.headers[key]: col for key, col in layout.columns.items() if key in layout.headers
    }


def _messages(row_errors: list[RowError]) -> str:
    lines = []
    for error in row_errors:
        text = (
            gettext(COLUMN_ERROR) % {"column": error.column, "message": error.message}
            if error.column
            else error.message
        )
        if text not in lines:
            lines.append(text)
    return "\n".join(lines)


def _sheet_name(name: str) -> str:
    # Excel refuses sheet names over 31 characters or with []:*?/\ in them.
    cleaned = _SHEET_NAME_FORBIDDEN.sub(" ", name).strip().strip("'")[:31]
    return cleaned or "Sheet1"


class _Formats:
    """XlsxWriter formats, made once per (kind, bad) pair."""

    _BASE = {
        "title": {"bold": True},
        "header": {
            "bold": True,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
        },
        "data": {"valign": "top"},
        "error": {"text_wrap": True, "valign": "top", "font_color": BAD_FONT},
    }
    _VALUES = {
        "date": {"num_format": DATE_FORMAT},
        "datetime": {"num_format": DATETIME_FORMAT},
        "text": {"num_format": "@"},
        "": {},
    }

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str, bool], Any] = {}

    def get(self, kind: str, value: str = "", bad: bool = False):
        key = (kind, value, bad)
        if key not in self.cache:
            props = {**self._BASE[kind], **self._VALUES[value]}
            if bad:
                props.update(bg_color=BAD_FILL, font_color=BAD_FONT)
            self.cache[key] = self.workbook.add_format(props)
        return self.cache[key]


def _write(
    sheet,
    formats: _Formats,
    row: int,
    col: int,
    value: Any,
    *,
    kind: str,
    bad: bool = False,
    widths: dict[int, int] | None,
) -> None:
    """One cell as read: dates stay dates (dd/mm/yyyy), text stays text, numbers numbers."""
    if isinstance(value, dt.datetime):
        has_time = value.time() != dt.time()
        fmt = formats.get(kind, "datetime" if has_time else "date", bad)
        sheet.write_datetime(row, col, value, fmt)
        shown = 16 if has_time else 10
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, formats.get(kind, "date", bad))
        shown = 10
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, formats.get(kind, "", bad))
        shown = 5
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, formats.get(kind, "", bad))
        shown = len(str(value))
    elif value in ("", None):
        if bad:
            sheet.write_blank(row, col, None, formats.get(kind, "", bad))
        return
    else:
        text = str(value)
        # write_string, never write(): a cell reading "=…" stays the clerk's text.
        id_like = kind == "data" and bool(_ID_LIKE.match(text))
        sheet.write_string(row, col, text, formats.get(kind, "text" if id_like else "", bad))
        shown = max((len(line) for line in text.splitlines()), default=0)
    if widths is not None and kind != "title":
        widths[col] = max(widths.get(col, 0), shown)
