"""Files calamine reads wrongly or not at all: a password on them, formulas never calculated."""

import io
import struct
import zipfile

import pytest
import xlsxwriter
from msoffcrypto.format.ooxml import OOXMLFile

from congdoan.imports import filechecks, readers
from congdoan.imports.errors import UnreadableFile
from congdoan.imports.pipeline import run_import
from congdoan.imports.tests.files import UNITS_HEADER
from congdoan.imports.tests.files import run_import_command as run
from congdoan.members.models import Member
from congdoan.org.models import Unit
from congdoan.testing import Org

pytestmark = pytest.mark.django_db

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào CĐ", "Mã CĐCS"]
AN = ["Nguyễn Văn An", "17/05/1990", "Nam", "079090123456", "01/03/2015", "DA-1"]
BINH = ["Trần Thị Bình", "02/02/1985", "Nữ", "079185654321", "10/10/2012", "DA-1"]


def units_workbook() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Đơn vị")
    sheet.write_row(0, 0, UNITS_HEADER)
    sheet.write_row(1, 0, ["T", "LĐLĐ tỉnh Thử Nghiệm", "", "LĐLĐ tỉnh"])
    workbook.close()
    return buffer.getvalue()


def encrypted(data: bytes, password: str = "mat-khau") -> bytes:
    """`data` encrypted as Excel encrypts a workbook (ECMA-376 agile encryption)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


# --- passwords -----------------------------------------------------------------------------


def test_an_encrypted_xlsx_is_refused_as_protected_by_a_password(tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(encrypted(units_workbook()))
    with pytest.raises(UnreadableFile) as excinfo:
        run_import(kind="units", source=path)
    assert excinfo.value.code == "password"
    assert "don-vi.xlsx" in excinfo.value.message and "\n" not in excinfo.value.message
    assert Unit.objects.count() == 0


def test_an_encrypted_upload_is_refused_too():
    upload = io.BytesIO(encrypted(units_workbook()))
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(upload, name="tai-len.xlsx")
    assert excinfo.value.code == "password"


def test_the_command_exits_2_on_an_encrypted_file(tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(encrypted(units_workbook()))
    status, out, err = run("units", str(path))
    assert status == 2 and out == ""
    assert "don-vi.xlsx" in err and len(err.strip().splitlines()) == 1


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding `streams`, each at least
    4096 bytes so that it lives in ordinary sectors: the container of an .xls."""
    sector = 512
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # sector 0: the FAT, sector 1: the directory
    body, entries = b"", []
    for name, data in streams.items():
        data = data.ljust(max(len(data), 4096), b"\0")
        count = -(-len(data) // sector)
        first = len(fat)
        fat += [first + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
        body += data.ljust(count * sector, b"\0")
        entries.append((name, 2, first, len(data)))
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16)
    header += struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096,
                          0xFFFFFFFE, 0, 0xFFFFFFFE, 0)  # fmt: skip
    header += struct.pack("<109I", 0, *[0xFFFFFFFF] * 108)

    def entry(name, kind, first, size, right=0xFFFFFFFF, child=0xFFFFFFFF) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, right, child)
            + bytes(36)
            + struct.pack("<IQ", first, size)
        )

    directory = entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
    for index, (name, kind, first, size) in enumerate(entries, 1):
        right = index + 1 if index < len(entries) else 0xFFFFFFFF
        directory += entry(name, kind, first, size, right=right)
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(sector, b"\xff")
    return header + fat_sector + directory.ljust(sector, b"\0") + body


def biff_record(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def test_an_xls_with_a_filepass_record_is_refused_as_protected_by_a_password(tmp_path):
    bof = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0))
    filepass = biff_record(0x002F, struct.pack("<HHH", 1, 1, 2) + bytes(48))
    eof = biff_record(0x000A, b"")
    path = tmp_path / "bao-ve.xls"
    path.write_bytes(ole_file({"Workbook": bof + filepass + eof}))
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(path)
    assert excinfo.value.code == "password"
    # The same file without FILEPASS is not taken for a protected one.
    assert not filechecks.is_encrypted(ole_file({"Workbook": bof + eof}))


def test_files_that_are_not_compound_files_are_not_taken_for_encrypted_ones():
    assert not filechecks.is_encrypted(units_workbook())
    assert not filechecks.is_encrypted(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 20)


# --- formulas ------------------------------------------------------------------------------


@pytest.fixture
def org():
    return Org()


def roster_with_formulas(path, formulas: dict[tuple[int, int], tuple[str, object]], rows):
    """A roster written by XlsxWriter, which never calculates: (row, col) → (formula,
    value stored as its result, or None for XlsxWriter's default placeholder 0)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("DS")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if (r, c) in formulas:
                formula, result = formulas[(r, c)]
                if result is None:
                    sheet.write_formula(r, c, formula)
                else:
                    sheet.write_formula(r, c, formula, None, result)
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def test_a_formula_with_a_stored_result_is_read_as_that_result(tmp_path, org):
    name = ('="Nguyễn Văn "&"An"', "Nguyễn Văn An")
    path = roster_with_formulas(tmp_path / "ds.xlsx", {(1, 0): name}, [AN])
    result = run_import(kind="members", source=path)
    assert (result.created, result.rejected) == (1, 0)
    assert Member.objects.get().full_name == "Nguyễn Văn An"


def test_a_formula_never_calculated_rejects_its_cell_with_a_clear_message(tmp_path, org):
    formulas = {
        (1, 0): ('="Nguyễn Văn "&"An"', None),  # XlsxWriter's placeholder 0
        (2, 3): ('="079185"&"654321"', ""),  # no result at all
    }
    path = roster_with_formulas(tmp_path / "ds.xlsx", formulas, [AN, BINH])
    result = run_import(kind="members", source=path)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "Họ và tên", "formula_not_calculated"),
        (3, "Số CCCD", "formula_not_calculated"),
    ]
    assert "Excel" in result.errors[0].message
    assert not result.written and Member.objects.count() == 0


def test_a_row_of_formulas_never_calculated_is_not_skipped_as_blank(tmp_path, org):
    formulas = {(1, c): (f"=A{c}", "") for c in range(len(HEADER))}
    path = roster_with_formulas(tmp_path / "ds.xlsx", formulas, [AN, BINH])
    result = run_import(kind="members", source=path, skip_invalid=True)
    assert result.rows == 2 and result.created == 1
    assert {e.row for e in result.errors} == {2}
    unknown = [e.column for e in result.errors if e.code == "formula_not_calculated"]
    assert unknown == HEADER


def test_formula_cells_are_found_by_sheet_row_and_column(tmp_path):
    formulas = {(1, 0): ("=1+1", None), (2, 4): ("=1+1", 2), (2, 5): ('="a"', "")}
    path = roster_with_formulas(tmp_path / "ds.xlsx", formulas, [AN, BINH])
    assert filechecks.uncomputed_formulas(path.read_bytes()) == {"DS": frozenset({(1, 0), (2, 5)})}
    [table] = readers.read_tables(path)
    assert table.uncomputed == frozenset({(1, 0), (2, 5)})


def rewrite(path, part: str, old: str, new: str) -> None:
    """Replace text in one XML part of an .xlsx (to write what other programs write)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert old in parts[part].decode()
    parts[part] = parts[part].decode().replace(old, new).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_an_empty_text_result_calculated_by_excel_is_an_empty_cell(tmp_path, org):
    # Excel stores an empty text result as t="str" with an empty value, and asks for no
    # recalculation: the cell is empty, as the clerk saw it, not a formula to reject.
    header = [*HEADER, "Dân tộc"]
    path = tmp_path / "ds.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("DS")
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, AN)
    sheet.write_formula(1, 6, '=IF(1=1,"","Kinh")', None, "x")
    workbook.close()
    rewrite(path, "xl/workbook.xml", ' fullCalcOnLoad="1"', "")
    rewrite(path, "xl/worksheets/sheet1.xml", "<v>x</v>", "<v></v>")
    assert filechecks.uncomputed_formulas(path.read_bytes()) == {}
    result = run_import(kind="members", source=path)
    assert (result.created, result.rejected) == (1, 0)
    assert Member.objects.get().ethnicity == ""


def test_a_formula_stored_without_any_value_is_rejected(tmp_path, org):
    # What openpyxl writes: the formula alone.
    path = roster_with_formulas(tmp_path / "ds.xlsx", {(1, 2): ('="Nam"', "Nam")}, [AN])
    rewrite(path, "xl/worksheets/sheet1.xml", "<v>Nam</v>", "")
    result = run_import(kind="members", source=path)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "Giới tính", "formula_not_calculated")
    ]
