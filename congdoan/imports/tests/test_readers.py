import io
import time
import unicodedata
import zipfile

import pytest

from congdoan.imports import readers
from congdoan.imports.errors import UnreadableFile
from congdoan.imports.tests.files import (
    UNITS_HEADER,
    csv_bytes,
    sample,
    write_xlsx,
)

ROWS = [
    ["Họ và tên", "Ngày sinh", "Địa chỉ"],
    ["Nguyễn Thị Ánh Tuyết", "16/04/1984", "Ấp 1, huyện Kế Sách"],
    ["Trần Quốc Việt", "08/03/1993", "Ấp 6, thị xã Vĩnh Châu"],
]


def unreadable_code(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(path)
    return excinfo.value.code


def test_xlsx_rows_carry_excel_row_numbers():
    [table] = readers.read_tables(sample("units-soc-trang.xlsx"))
    rows = list(table.iter_rows())
    assert rows[0] == (1, UNITS_HEADER)
    assert rows[1][0] == 2 and rows[1][1][0] == "LDLD-ST"
    assert len(rows) == 62


def test_leading_blank_rows_keep_their_numbers(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [[], [], ["", "Mã đơn vị"], ["", "A"]])
    [table] = readers.read_tables(path)
    assert [(n, cells[1]) for n, cells in table.iter_rows()][2:] == [(3, "Mã đơn vị"), (4, "A")]


def test_upload_like_file_objects_are_read():
    data = sample("units-soc-trang.xlsx").read_bytes()
    [table] = readers.read_tables(io.BytesIO(data), name="upload.xlsx")
    assert table.rows[0] == UNITS_HEADER


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters_give_the_same_nfc_text(tmp_path, encoding, delimiter):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(ROWS, delimiter=delimiter, encoding=encoding))
    [table] = readers.read_tables(path)
    assert table.rows == ROWS
    assert table.encoding == encoding


def test_windows_1258_sample_is_decoded_to_nfc():
    [table] = readers.read_tables(sample("roster-cp1258.csv"))
    assert table.encoding == "cp1258"
    assert table.rows[0][0] == "Họ và tên"
    assert len(table.rows) == 31
    for row in table.rows:
        for cell in row:
            assert unicodedata.is_normalized("NFC", cell)


def test_csv_title_rows_do_not_fool_the_delimiter(tmp_path):
    rows = [["DANH SÁCH ĐƠN VỊ"], [], *ROWS]
    path = tmp_path / "t.csv"
    path.write_bytes(csv_bytes(rows, delimiter=";"))
    [table] = readers.read_tables(path)
    assert table.rows[2:] == ROWS


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("empty.xlsx", b"", "empty"),
        ("empty.csv", b"  \r\n", "empty"),
        ("notes.pdf", b"%PDF-1.4", "unsupported_format"),
        ("fake.xlsx", b"Ma don vi;Ten don vi\r\nA;B\r\n", "corrupt"),
        ("fake.ods", b"PK\x03\x04 not really a zip", "corrupt"),
        ("fake.xls", b"<html><table><tr><td>1</td></tr></table></html>", "corrupt"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_text"),
        ("bad.csv", b"Ten\r\n\x81\x8a\x8d\r\n", "encoding"),
    ],
)
def test_files_that_cannot_be_read_raise_a_named_error(tmp_path, name, data, code):
    assert unreadable_code(tmp_path, name, data) == code


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(tmp_path / "nowhere.xlsx")
    assert excinfo.value.code == "not_found"
    assert "nowhere.xlsx" in str(excinfo.value)


def test_workbook_without_any_data_is_empty(tmp_path):
    path = write_xlsx(tmp_path / "blank.xlsx", [])
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(path)
    assert excinfo.value.code == "empty"


def test_a_1_gb_file_is_refused_at_once_without_reading_it(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    with path.open("wb") as sparse:  # 1 GB on paper, nothing on disk
        sparse.truncate(1024 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(path)
    assert excinfo.value.code == "too_big"
    assert "1024 MB" in str(excinfo.value)
    assert time.perf_counter() - started < 1


def test_an_upload_over_the_limit_is_refused(settings):
    settings.IMPORT_MAX_FILE_MB = 1
    upload = io.BytesIO(b"Ten\r\n" + b"x" * (2 * 1024 * 1024))
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(upload, name="lon.csv")
    assert excinfo.value.code == "too_big"


def test_a_workbook_that_unpacks_too_far_is_refused_before_it_is_inflated(tmp_path, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 1
    path = write_xlsx(tmp_path / "bom.xlsx", [UNITS_HEADER, ["A", "B", "", "CĐCS"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        # 2 MB of zeros deflate to a few kB: the shape of a zip bomb, at test size.
        archive.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    with pytest.raises(UnreadableFile) as excinfo:
        readers.read_tables(path)
    assert excinfo.value.code == "unpacks_too_big"
    settings.IMPORT_MAX_UNPACKED_MB = 1000
    assert readers.read_tables(path)[0].rows[0] == UNITS_HEADER
