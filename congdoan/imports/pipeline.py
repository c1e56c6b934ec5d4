"""The one import pipeline: read → find the header → parse → validate → write → result.

Every import kind (units, members, enterprises, targets) is a spec (imports/specs/) run
through run_import(). Writes happen in one transaction, each row in its own savepoint:

- dry_run: everything is checked and written, then rolled back; the counts say what
  would happen;
- default (all or nothing): if any row is rejected the whole import is rolled back;
- skip_invalid: rejected rows are left out and the others are kept.

The file's rows are read one at a time. Kinds whose spec streams (members, enterprises) are
checked and written CHUNK_ROWS rows at a time, keeping only the rejected rows, so an import's
memory does not grow with the file; the others (units, targets: small files whose rows
depend on each other) are checked as a whole.
"""

import gc
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import Scope
from congdoan.imports import errors, headers, readers
from congdoan.imports.cells import is_blank
from congdoan.imports.specs import get_spec
from congdoan.imports.specs.base import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    Column,
    Context,
    ImportSpec,
    Row,
    RowError,
)
from congdoan.members import span_hooks

#: How often run_import's progress callback is called, in rows.
PROGRESS_EVERY = 50
#: Rows a streaming spec checks and writes at a time: what an import holds in memory.
CHUNK_ROWS = 5000
_NONE: frozenset[str] = frozenset()
#: The reason recorded on every reorganisation and audit entry an import makes.
REASON = _("Imported from %(file)s")


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a rejected file, would have done) per row."""

    file: str
    kind: str
    dry_run: bool = False
    skip_invalid: bool = False
    written: bool = False
    sheet: str = ""
    header_rows: tuple[int, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Where the header was and the file's cells, and the rejected rows: what
    #: imports.rejects needs to give those rows back in the file's own layout.
    layout: headers.Layout | None = field(default=None, repr=False, compare=False)
    rejected_rows: list[Row] = field(default_factory=list, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "written": self.written,
            "dry_run": self.dry_run,
            "sheet": self.sheet,
            "header_rows": list(self.header_rows),
            "ignored_columns": list(self.ignored_columns),
            "errors": [e.as_dict() for e in self.errors],
        }

    def as_json(self) -> str:
        """The result as JSON text (Vietnamese kept readable, not \\u-escaped)."""
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1)


def run_import(
    *,
    kind: str,
    source: str | Path | BinaryIO,
    name: str | None = None,
    actor=None,
    scope: Scope | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    options: dict[str, Any] | None = None,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one file of `kind`; raises errors.ImportFileError if the file cannot be used.

    `options` go to the kind's spec (e.g. {"plan": "KH-01"} for targets); `reason` replaces
    the default "Imported from <file>" on the audit entries. `progress(rows_done,
    rows_total)`, if given, is called as rows are written (every PROGRESS_EVERY rows).
    """
    spec = get_spec(kind)(**(options or {}))
    display = name or Path(getattr(source, "name", None) or str(source)).name
    tables = readers.read_tables(source, name=display)
    layout = headers.locate(tables, spec.columns, dynamic=spec.header_matcher())
    columns = spec.columns_for(layout)
    ctx = Context(
        actor=actor,
        scope=scope,
        file=display,
        dry_run=dry_run,
        reason=reason or str(REASON) % {"file": display},
        headers=layout.headers,
        labels={c.key: c.label for c in columns},
    )
    result = ImportResult(
        file=display,
        kind=spec.kind,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        sheet=layout.table.name,
        header_rows=layout.header_rows,
        ignored_columns=layout.ignored,
        layout=layout,
    )
    if spec.streams:
        result.written = _stream(
            spec, layout, ctx, columns, result, skip_invalid=skip_invalid, progress=progress
        )
        return result
    rows = read_rows(spec, layout, ctx, columns)
    for row in rows:
        if row.ok:
            spec.validate_row(row, ctx)
    spec.validate_rows(rows, ctx)
    ordered = spec.order(rows, ctx)
    result.written = _write(
        spec, ordered, ctx, dry_run=dry_run, skip_invalid=skip_invalid, progress=progress
    )
    _count(result, rows)
    return result


def _count(result: ImportResult, rows: list[Row]) -> None:
    result.rows += len(rows)
    counts: Counter[str] = Counter()
    for row in rows:
        if row.errors:
            counts[REJECTED] += 1
            result.errors.extend(row.errors)
            result.rejected_rows.append(row)
        else:
            counts[row.action] += 1
    for action, count in counts.items():
        setattr(result, action, getattr(result, action) + count)


def read_rows(
    spec: ImportSpec,
    layout: headers.Layout,
    ctx: Context,
    columns: Sequence[Column] | None = None,
) -> list[Row]:
    """The table's data rows, each cell parsed by its column (errors kept on the row).

    Blank rows and those the spec skips are left out; `columns` defaults to the spec's.
    """
    return list(iter_rows(spec, layout, ctx, columns))


def iter_rows(
    spec: ImportSpec,
    layout: headers.Layout,
    ctx: Context,
    columns: Sequence[Column] | None = None,
) -> Iterator[Row]:
    """read_rows, one row at a time as the table is read."""
    columns = spec.columns if columns is None else columns
    # Looked up once, not per cell: this loop runs for every cell of a 100,000-row roster.
    # A column the file lacks is None on every row; it is only walked row by row when
    # that is an error (then in column order, as the errors are listed).
    absent = [c for c in columns if c.key not in layout.columns]
    walked = (
        columns if any(not c.blank for c in absent) else [c for c in columns if c not in absent]
    )
    plan = [(c.key, c.parse, c.blank) for c in walked]
    none = {c.key: None for c in absent if c not in walked}
    for number, cells, raw, unknown in _data_rows(spec, layout, columns):
        row = Row(number=number, raw=raw, values=dict(none), cells=cells)
        values = row.values
        for key, parse, blank in plan:
            value = raw.get(key)
            if unknown and key in unknown:
                values[key] = None
                ctx.reject(
                    row, errors.FORMULA_NOT_CALCULATED, code="formula_not_calculated", column=key
                )
            elif value is None or (isinstance(value, str) and not value.strip()):  # is_blank
                values[key] = None
                if not blank:
                    ctx.reject(row, errors.REQUIRED, code="required", column=key)
            else:
                try:
                    values[key] = parse(value)
                except errors.Invalid as exc:
                    values[key] = None
                    ctx.reject(row, exc.message, code=exc.code, column=exc.column or key)
        yield row


def _stream(
    spec: ImportSpec,
    layout: headers.Layout,
    ctx: Context,
    columns: Sequence[Column],
    result: ImportResult,
    *,
    skip_invalid: bool,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Check and write the rows a chunk at a time in one transaction; True when kept.

    Only the rejected rows outlive their chunk (the rejects file needs them).
    """
    total = _count_rows(spec, layout, columns) if progress is not None else 0
    done = 0
    changed = False
    # span_hooks.batch: the counts settle their monthly rows once, at the end (analytics).
    with transaction.atomic(), _collect_per_chunk() as chunk_done, span_hooks.batch():
        for chunk in _chunks(iter_rows(spec, layout, ctx, columns), CHUNK_ROWS):
            for row in chunk:
                if row.ok:
                    spec.validate_row(row, ctx)
            spec.validate_rows(chunk, ctx)
            for row in spec.order(chunk, ctx):
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
                done += 1
                if row.ok:
                    _write_one(spec, row, ctx)
                    changed = changed or row.action in (CREATED, UPDATED)
            _count(result, chunk)
            # All or nothing: once a row is rejected nothing of this run will be kept.
            spec.flush(ctx, write=not ctx.dry_run and (skip_invalid or not result.rejected))
            for row in chunk:
                if row.errors:
                    row.values, row.data = {}, {}
            # Emptied, not just left: the generator that made the list still holds it, and
            # the collector would walk every row of it (a twentieth of an import's time).
            chunk.clear()
            chunk_done()
        if progress is not None:
            progress(done, total)
        keep = changed and not ctx.dry_run and (skip_invalid or not result.rejected)
        if keep:
            spec.finish(ctx)
        else:
            transaction.set_rollback(True)
    return keep


@contextmanager
def _collect_per_chunk() -> Iterator[Callable[[], None]]:
    """Python's cycle collector paused, and run by hand once per chunk instead.

    A chunk is some hundred thousand objects that live until the chunk is written; the
    collector, run every 700 allocations, would go through them again and again (a fifth
    of an import's time) to find almost no cycles. Collecting the young objects once per
    chunk still frees the few cycles there are, so memory stays bounded.
    """
    if not gc.isenabled():
        yield lambda: None
        return
    gc.disable()
    try:
        yield lambda: gc.collect(1)
    finally:
        gc.enable()


def _data_rows(
    spec: ImportSpec, layout: headers.Layout, columns: Sequence[Column]
) -> Iterator[tuple[int, list[Any], dict[str, Any], set[str] | frozenset[str]]]:
    """(Excel row number, cells, cells by column key, keys of the cells holding a formula
    never calculated) of each row that is neither blank nor skipped by the spec."""
    present = [(c.key, layout.columns[c.key]) for c in columns if c.key in layout.columns]
    uncomputed = layout.table.uncomputed
    widest = max((index for _key, index in present), default=-1)
    for number, cells in layout.table.iter_rows(layout.data_start):
        if len(cells) > widest:
            raw = {key: cells[index] for key, index in present}
        else:
            width = len(cells)
            raw = {key: cells[index] if index < width else "" for key, index in present}
        # A formula never calculated reads as empty: the row is not blank for all that.
        unknown = (
            {key for key, index in present if (number - 1, index) in uncomputed}
            if uncomputed
            else _NONE
        )
        if unknown or not (all(map(is_blank, raw.values())) or spec.skip_row(raw)):
            yield number, cells, raw, unknown


def _count_rows(spec: ImportSpec, layout: headers.Layout, columns: Sequence[Column]) -> int:
    """How many rows read_rows will give (for the progress bar), without parsing them."""
    return sum(1 for _row in _data_rows(spec, layout, columns))


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _write(
    spec: ImportSpec,
    rows: list[Row],
    ctx: Context,
    *,
    dry_run: bool,
    skip_invalid: bool,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Write the valid rows in one transaction; True when the writes were kept."""
    with transaction.atomic(), span_hooks.batch():
        changed = False
        for done, row in enumerate(rows):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(rows))
            if row.errors:
                continue
            _write_one(spec, row, ctx)
            if row.action in (CREATED, UPDATED):
                changed = True
        if progress is not None:
            progress(len(rows), len(rows))
        keep = changed and not dry_run and (skip_invalid or all(r.ok for r in rows))
        if keep:
            spec.finish(ctx)
        else:
            transaction.set_rollback(True)
    return keep


def _write_one(spec: ImportSpec, row: Row, ctx: Context) -> None:
    """Write one valid row: its action, or the errors the writing found."""
    try:
        row.action = _write_row(spec, row, ctx)
    except errors.Invalid as exc:
        ctx.reject(row, exc.message, code=exc.code, column=exc.column)
    except ValidationError as exc:
        for code, message in validation_messages(exc):
            ctx.reject(row, message, code=code, column=spec.error_columns.get(code))


def _write_row(spec: ImportSpec, row: Row, ctx: Context) -> str:
    # match() and changes() only read; each write gets a savepoint, so a row refused
    # halfway leaves nothing behind while the others go on.
    obj = spec.match(row, ctx)
    if obj is None:
        if spec.stages_creates:
            spec.create(row, ctx)
        else:
            with transaction.atomic():
                spec.create(row, ctx)
        return CREATED
    changes = spec.changes(row, obj, ctx)
    if not changes:
        return UNCHANGED
    with transaction.atomic():
        spec.update(row, obj, changes, ctx)
    return UPDATED


def validation_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """(code, message) for each message of a Django ValidationError."""
    items = (
        [e for errs in exc.error_dict.values() for e in errs]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    out = []
    for item in items:
        message = item.message % item.params if item.params else item.message
        out.append((item.code or "invalid", str(message)))
    return out
