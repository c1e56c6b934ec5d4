"""Writing small spreadsheets and CSV files for import tests; where the shared samples are."""

import csv
import io
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from django.core.management import call_command

# The repository's shared/ folder sits beside it (also in the CI clone).
SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"
UNITS_SAMPLE = SAMPLES / "units-soc-trang.xlsx"

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

UNITS_HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị"]


def run_import_command(*args) -> tuple[int, str, str]:
    """`congdoan import ARGS…` in-process: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"shared sample {name} not found at {SAMPLES.resolve()}")
    return path


def write_xlsx(path: Path, rows: list[list], *, merges: list[tuple] = ()) -> Path:
    """An .xlsx with `rows` from A1; merges are (first_row, first_col, last_row, last_col)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    merged = {(m[0], m[1]) for m in merges}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) not in merged and value not in ("", None):
                sheet.write(r, c, value)
    for first_row, first_col, last_row, last_col in merges:
        sheet.merge_range(
            first_row, first_col, last_row, last_col, rows[first_row][first_col] or ""
        )
    workbook.close()
    return path


def to_cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        # Circumflex, breve and horn belong to the letter (â ă ê ô ơ ư); tone marks follow it.
        letter = "".join(c for c in decomposed if c not in _TONE_MARKS)
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        out += unicodedata.normalize("NFC", letter).encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def csv_bytes(rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)

_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_cell(value) -> str:
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def write_ods(path: Path, rows: list[list]) -> Path:
    """A minimal OpenDocument spreadsheet (no library for it is installed)."""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Data">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return path
