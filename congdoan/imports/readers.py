"""Reading spreadsheets (.xlsx, .xls, .ods via calamine) and CSV files into rows of cells."""

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from congdoan.core.text import nfc
from congdoan.imports import errors, filechecks

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})
_XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_DELIMITERS = (";", ",", "\t")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SNIFF_LINES = 50
MB = 1024 * 1024

Merge = tuple[tuple[int, int], tuple[int, int]]


class Table:
    """One sheet (or the CSV file): rows of cells from Excel row 1, and its merged ranges.

    Strings are NFC with spaces folded and blank cells are "". Merges are 0-based
    ((first row, first column), (last row, last column)). A table read from a file gives
    its rows lazily (iter_rows), so an import holds one row at a time rather than a Python
    copy of the whole sheet; `rows` builds that copy for callers that want a list.
    `uncomputed` holds the 0-based (row, column) of formula cells whose result was never
    calculated (their value reads as empty or 0; see filechecks.uncomputed_formulas).
    """

    def __init__(
        self,
        name: str,
        rows: list[list[Any]] | None = None,
        merges: list[Merge] | None = None,
        encoding: str = "",
        *,
        source: Callable[[], Iterator[list[Any]]] | None = None,
        uncomputed: frozenset[tuple[int, int]] = frozenset(),
    ) -> None:
        if rows is None and source is None:
            rows = []
        self.name, self.merges, self.encoding = name, list(merges or []), encoding
        self.uncomputed = uncomputed
        self._rows, self._source = rows, source
        self._head: list[list[Any]] = []

    def __repr__(self) -> str:
        return f"Table({self.name!r})"

    @property
    def rows(self) -> list[list[Any]]:
        """Every row as a list (built once): for small tables and tests, not for imports."""
        if self._rows is None:
            self._rows = list(self._iter())
        return self._rows

    def _iter(self) -> Iterator[list[Any]]:
        return iter(self._rows) if self._rows is not None else self._source()

    def head(self, count: int) -> list[list[Any]]:
        """The first `count` rows (fewer if the table is shorter), kept for the next call."""
        if self._rows is not None:
            return self._rows[:count]
        if len(self._head) < count:
            self._head = list(islice(self._source(), count))
        return self._head[:count]

    def iter_rows(self, start: int = 0) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, cells) for every row from the 0-based `start`, blank ones
        included, read as they are needed."""
        for index, cells in enumerate(islice(self._iter(), start, None), start):
            yield index + 1, cells

    @property
    def is_blank(self) -> bool:
        return not any(cell not in ("", None) for row in self._iter() for cell in row)


def read_tables(source: str | Path | BinaryIO, *, name: str | None = None) -> list[Table]:
    """The non-blank tables of a path or upload (`name`: its file name); UnreadableFile if none."""
    display = name or Path(getattr(source, "name", None) or str(source)).name
    suffix = Path(display).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES | CSV_SUFFIXES:
        raise errors.UnreadableFile(
            errors.UNSUPPORTED_FORMAT, code="unsupported_format", file=display
        )
    data = _read_bytes(source, display)
    if not data.strip():
        raise errors.UnreadableFile(errors.EMPTY, code="empty", file=display)
    if suffix in CSV_SUFFIXES:
        tables = [_read_csv(data, display)]
    else:
        tables = _read_workbook(data, display, suffix)
    tables = [t for t in tables if not t.is_blank]
    if not tables:
        raise errors.UnreadableFile(errors.EMPTY, code="empty", file=display)
    return tables


def _read_bytes(source: str | Path | BinaryIO, display: str) -> bytes:
    # The size is checked before reading: a 1 GB file is refused at once, not after the
    # machine has spent its memory on it.
    limit = settings.IMPORT_MAX_FILE_MB * MB
    if isinstance(source, str | Path):
        try:
            _check_size(Path(source).stat().st_size, limit, display)
            return Path(source).read_bytes()
        except OSError:
            raise errors.UnreadableFile(errors.NOT_FOUND, code="not_found", file=display) from None
    if hasattr(source, "seek"):
        source.seek(0, io.SEEK_END)
        _check_size(source.tell(), limit, display)
        source.seek(0)
    data = source.read(limit + 1)
    _check_size(len(data), limit, display)
    return data


def _check_size(size: int, limit: int, display: str) -> None:
    if size > limit:
        raise errors.UnreadableFile(
            errors.TOO_BIG, code="too_big", file=display, size=-(-size // MB),
            limit=settings.IMPORT_MAX_FILE_MB,
        )  # fmt: skip


def _check_unpacked(data: bytes, display: str) -> None:
    """Refuse an .xlsx/.ods whose parts unpack to more than IMPORT_MAX_UNPACKED_MB (a zip
    bomb, or a sheet formatted down to its last row) before calamine inflates them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip (.xls) or a damaged one: calamine says which
    if size > settings.IMPORT_MAX_UNPACKED_MB * MB:
        raise errors.UnreadableFile(
            errors.UNPACKS_TOO_BIG, code="unpacks_too_big", file=display, size=size // MB,
            limit=settings.IMPORT_MAX_UNPACKED_MB,
        )  # fmt: skip


# --- workbooks ---------------------------------------------------------------------------


def _read_workbook(data: bytes, display: str, suffix: str) -> list[Table]:
    _check_unpacked(data, display)
    # An encrypted .xlsx is not a zip at all: calamine would call it damaged.
    if filechecks.is_encrypted(data):
        raise errors.UnreadableFile(errors.PASSWORD, code="password", file=display)
    uncomputed = filechecks.uncomputed_formulas(data) if suffix in _XLSX_SUFFIXES else {}
    # calamine reports damaged or foreign files through several exception types, some of
    # them not subclasses of CalamineError, so anything it raises means "cannot read".
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = [m for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        # Visible sheets first: hidden ones usually hold lookup lists, not the data.
        metas.sort(key=lambda m: m.visible != SheetVisibleEnum.Visible)
        sheets = [workbook.get_sheet_by_name(m.name) for m in metas]
        tables = [
            Table(
                name=sheet.name,
                merges=_merges(sheet),
                source=_sheet_rows(sheet),
                uncomputed=uncomputed.get(sheet.name, frozenset()),
            )
            for sheet in sheets
        ]
    except PasswordError:
        raise errors.UnreadableFile(errors.PASSWORD, code="password", file=display) from None
    except Exception:
        raise errors.UnreadableFile(
            errors.CORRUPT, code="corrupt", file=display, format=suffix.lstrip(".").upper()
        ) from None
    return tables


def _sheet_rows(sheet) -> Callable[[], Iterator[list[Any]]]:
    """The sheet's rows from A1, cleaned one at a time from calamine's own copy.

    iter_rows() starts at row 1 but at the first used column; the blank columns before it
    are put back, so that cells sit where to_python(skip_empty_area=False) puts them.
    """
    pad = [""] * (sheet.start[1] if sheet.start else 0)

    def rows() -> Iterator[list[Any]]:
        for row in sheet.iter_rows():
            cells = [nfc(c) if c.__class__ is str else c for c in row]
            yield [*pad, *cells] if pad else cells

    return rows


def _merges(sheet) -> list[Merge]:
    try:
        ranges = sheet.merged_cell_ranges or []
    except (CalamineError, AttributeError):
        return []
    return [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in ranges]


# --- CSV -----------------------------------------------------------------------------------


def decode_text(data: bytes, display: str) -> tuple[str, str]:
    """(text, encoding) of a CSV: UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1258."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif b"\x00" in data:
        raise errors.UnreadableFile(errors.NOT_TEXT, code="not_text", file=display)
    else:
        candidates = ["utf-8", "cp1258"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise errors.UnreadableFile(errors.NOT_TEXT, code="not_text", file=display)
        return text, encoding
    raise errors.UnreadableFile(errors.ENCODING, code="encoding", file=display)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits most of the first lines into the same number of fields."""
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = CSV_DELIMITERS[0], (0, 0)
    for delimiter in CSV_DELIMITERS:
        widths = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1)
        if not widths:
            continue
        width, lines_with_width = widths.most_common(1)[0]
        score = (lines_with_width, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, display: str) -> Table:
    text, encoding = decode_text(data, display)
    delimiter = sniff_delimiter(text)
    try:
        # Read through once now, so that a broken file is refused before any row is used.
        for _row in csv.reader(io.StringIO(text), delimiter=delimiter):
            pass
    except csv.Error:
        raise errors.UnreadableFile(errors.NOT_TEXT, code="not_text", file=display) from None

    def rows() -> Iterator[list[Any]]:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            yield [nfc(c) for c in row]

    return Table(name=Path(display).stem, source=rows, encoding=encoding)
