"""Finding the header row of a table and mapping its columns to a spec's columns.

Clerks' files start with title rows (federation, "DANH SÁCH …", dates), may split a
header over two rows (merged "Giới tính" over "Nam" / "Nữ") and often number the columns
(1), (2), … under it. Headers are matched by core.text.loose_key against each column's
label and synonyms.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from congdoan.core.text import loose_key
from congdoan.imports import errors
from congdoan.imports.cells import as_text, is_blank
from congdoan.imports.readers import Table
from congdoan.imports.specs.base import Column

#: A spec's matcher for header cells no fixed column names: (header cell, the cell under it
#: in a two-row header or "") → the key of a column it makes from them, or None.
DynamicMatcher = Callable[[str, str], str | None]

#: How far down title rows may push the header.
SCAN_ROWS = 30
_NUMBERING = re.compile(r"^\(?(\d{1,3})\)?\.?$")
#: The error column a file of rejected rows carries (imports.rejects, msgid "Errors"): the
#: fixed file goes back in with it, and it names no data, so it is neither used nor ignored.
REJECTS_HEADERS = frozenset(loose_key(h) for h in ("Lỗi", "Errors"))


@dataclass(frozen=True)
class Layout:
    """Where a table's header is and which column holds what."""

    table: Table
    header_rows: tuple[int, ...]  # Excel row numbers
    columns: dict[str, int]  # column key → 0-based column index
    headers: dict[str, str]  # column key → header text as in the file
    ignored: tuple[str, ...]  # headers of columns no spec column uses
    data_start: int  # 0-based index of the first row after the header (and numbering)


@dataclass(frozen=True)
class _Candidate:
    index: int
    height: int
    columns: dict[str, int]
    headers: dict[str, str]
    ignored: tuple[str, ...]
    score: tuple[int, int]
    merged: bool

    def rank(self) -> tuple:
        # More matched columns first; a header the sheet's merges mark as two rows tall
        # beats its one-row reading; otherwise the shorter reading, then the higher row.
        return (self.score, self.merged, -self.height, -self.index)


def synonym_table(columns: Sequence[Column]) -> dict[str, str]:
    """loose_key of every label and synonym → column key."""
    table: dict[str, str] = {}
    for column in columns:
        for name in column.names:
            key = loose_key(name)
            if table.setdefault(key, column.key) != column.key:
                raise ValueError(f"header {name!r} names both {table[key]} and {column.key}")
    return table


def _cell(row: Sequence[Any], index: int) -> str:
    if index >= len(row) or is_blank(row[index]):
        return ""
    return as_text(row[index])


def is_numbering_row(row: Sequence[Any]) -> bool:
    """A row of column numbers: (1) (2) (3) … or 1 2 3 …, increasing by one."""
    cells = [_cell(row, i) for i in range(len(row))]
    numbers = []
    for text in filter(None, cells):
        match = _NUMBERING.match(text)
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return (
        len(numbers) >= 2
        and numbers[0] in (0, 1)
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    )


def _read_header(
    top: Sequence[Any],
    sub: Sequence[Any] | None,
    lookup: dict[str, str],
    required: set[str],
    dynamic: DynamicMatcher | None = None,
) -> tuple[dict[str, int], dict[str, str], tuple[str, ...], tuple[int, int]]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    width = max(len(top), len(sub or ()))
    span = ""
    for index in range(width):
        upper, lower = _cell(top, index), _cell(sub, index) if sub is not None else ""
        if upper:
            span = upper
        elif not lower:
            span = ""
        # An empty top cell with a sub-header under it continues the merged cell on its left.
        upper = upper or (span if lower else "")
        if lower:
            candidates = [f"{upper} {lower}", lower, upper] if upper else [lower]
            text = f"{upper} / {lower}" if upper else lower
        else:
            candidates, text = [upper], upper
        if not text or loose_key(text) in REJECTS_HEADERS:
            continue
        for candidate in candidates:
            key = lookup.get(loose_key(candidate))
            if key is not None and key not in columns:
                columns[key], headers[key] = index, text
                break
        else:
            key = dynamic(upper, lower) if dynamic is not None else None
            if key is not None and key not in columns:
                columns[key], headers[key] = index, text
            else:
                ignored.append(text)
    score = (len(required & columns.keys()), len(columns))
    return columns, headers, tuple(ignored), score


def _merged_down(table: Table, index: int) -> bool:
    return any(r0 == index and r1 > index for (r0, _c0), (r1, _c1) in table.merges)


def _candidates(
    table: Table,
    lookup: dict[str, str],
    required: set[str],
    dynamic: DynamicMatcher | None = None,
) -> list[_Candidate]:
    rows = table.head(SCAN_ROWS + 1)
    found = []
    for index, top in enumerate(rows[:SCAN_ROWS]):
        if not any(_cell(top, i) for i in range(len(top))):
            continue
        subs: list[Sequence[Any] | None] = [None]
        if index + 1 < len(rows) and not is_numbering_row(rows[index + 1]):
            subs.append(rows[index + 1])
        for sub in subs:
            columns, headers, ignored, score = _read_header(top, sub, lookup, required, dynamic)
            if columns:
                found.append(
                    _Candidate(
                        index=index,
                        height=1 if sub is None else 2,
                        columns=columns,
                        headers=headers,
                        ignored=ignored,
                        score=score,
                        merged=sub is not None and _merged_down(table, index),
                    )
                )
    return found


def locate(
    tables: Sequence[Table], columns: Sequence[Column], *, dynamic: DynamicMatcher | None = None
) -> Layout:
    """The layout of the first table naming every required column; else MissingColumns.

    With a `dynamic` matcher, header cells that name no fixed column are offered to it. The
    first table with a dynamic column is taken; if none has one, the first table naming the
    required columns is returned anyway, so the spec can say which headers it did not know.
    """
    lookup = synonym_table(columns)
    required = {c.key for c in columns if c.required}
    fixed = {c.key for c in columns}
    best: _Candidate | None = None
    fallback: Layout | None = None
    for table in tables:
        candidates = _candidates(table, lookup, required, dynamic)
        if not candidates:
            continue
        chosen = max(candidates, key=_Candidate.rank)
        if required <= chosen.columns.keys():
            layout = _layout(table, chosen)
            if dynamic is None or chosen.columns.keys() - fixed:
                return layout
            fallback = fallback or layout
        if best is None or chosen.rank() > best.rank():
            best = chosen
    if fallback is not None:
        return fallback
    found = [*best.headers.values(), *best.ignored] if best else []
    matched = best.columns if best else {}
    missing = [c.label for c in columns if c.required and c.key not in matched]
    raise errors.MissingColumns(
        errors.MISSING_COLUMNS,
        code="missing_columns",
        missing=", ".join(f"“{m}”" for m in missing),
        found=", ".join(f"“{f}”" for f in found) or str(errors.NOTHING_FOUND),
    )


def _layout(table: Table, chosen: _Candidate) -> Layout:
    start = chosen.index + chosen.height
    after = table.head(start + 1)[start:]
    if after and is_numbering_row(after[0]):
        start += 1
    return Layout(
        table=table,
        header_rows=tuple(range(chosen.index + 1, chosen.index + chosen.height + 1)),
        columns=chosen.columns,
        headers=chosen.headers,
        ignored=chosen.ignored,
        data_start=start,
    )
