import pytest

from congdoan.imports import headers
from congdoan.imports.errors import MissingColumns
from congdoan.imports.readers import Table, read_tables
from congdoan.imports.specs.base import Column
from congdoan.imports.specs.units import UnitsSpec
from congdoan.imports.tests.files import sample

ROSTER_COLUMNS = (
    Column("name", "Họ và tên", ("Họ tên",)),
    Column("birth", "Ngày sinh", ("Ngày, tháng, năm sinh",)),
    Column("gender", "Giới tính", required=False),
    Column("male", "Giới tính Nam", ("Nam",), required=False),
    Column("female", "Giới tính Nữ", ("Nữ",), required=False),
    Column("national_id", "Số CCCD", ("CCCD", "Số định danh cá nhân")),
)

TITLE = [
    ["LIÊN ĐOÀN LAO ĐỘNG TỈNH SÓC TRĂNG", "", "", "", "", ""],
    ["", "", "", "", "", ""],
    ["DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN", "", "", "", "", ""],
    ["(Kèm theo báo cáo quý IV năm 2025)", "", "", "", "", ""],
]


def test_single_header_row_maps_synonyms_and_reports_extra_columns():
    rows = [["STT", "Họ tên", "ngay  sinh", "SỐ CCCD", "Ghi chú"], [1.0, "A", "", "", ""]]
    table = Table("s", rows)
    layout = headers.locate([table], ROSTER_COLUMNS)
    assert layout.columns == {"name": 1, "birth": 2, "national_id": 3}
    assert layout.headers["birth"] == "ngay sinh"
    assert layout.ignored == ("STT", "Ghi chú")
    assert layout.header_rows == (1,) and layout.data_start == 1


def test_title_rows_two_row_header_and_numbering_row():
    rows = [
        *TITLE,
        ["STT", "Họ và tên", "Ngày, tháng, năm sinh", "Giới tính", "", "Số CCCD"],
        ["", "", "", "Nam", "Nữ", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        [1.0, "Đặng Quốc An", "13/04/1994", "x", "", "094094625986"],
    ]
    layout = headers.locate([Table("s", rows)], ROSTER_COLUMNS)
    assert layout.columns == {"name": 1, "birth": 2, "male": 3, "female": 4, "national_id": 5}
    assert layout.headers["female"] == "Giới tính / Nữ"
    assert layout.header_rows == (5, 6)
    assert layout.data_start == 7  # the numbering row is skipped


def test_merged_cells_mark_a_two_row_header_even_with_unknown_sub_headers():
    rows = [
        ["Họ và tên", "Ngày sinh", "Số CCCD", "Quê quán", ""],
        ["", "", "", "Tỉnh", "Huyện"],
        ["Đặng Quốc An", "13/04/1994", "094094625986", "Sóc Trăng", "Kế Sách"],
    ]
    merges = [((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (1, 2)), ((0, 3), (0, 4))]
    layout = headers.locate([Table("s", rows, merges=merges)], ROSTER_COLUMNS)
    assert layout.header_rows == (1, 2) and layout.data_start == 2
    assert layout.ignored == ("Quê quán / Tỉnh", "Quê quán / Huyện")


def test_plain_numbers_under_the_header_are_a_numbering_row():
    rows = [["Họ và tên", "Ngày sinh", "Số CCCD"], [1.0, 2.0, 3.0], ["A", "01/01/1990", "1"]]
    assert headers.locate([Table("s", rows)], ROSTER_COLUMNS).data_start == 2


def test_a_data_row_of_numbers_is_not_a_numbering_row():
    assert not headers.is_numbering_row([1.0, 5.0, 3.0])
    assert not headers.is_numbering_row(["(1)", "Nguyễn Văn A"])
    assert not headers.is_numbering_row([2023.0, 2024.0, 2025.0])
    assert headers.is_numbering_row(["(1)", "(2)", "", "(3)"])


def test_header_is_found_in_a_later_sheet():
    intro = Table("Hướng dẫn", [["Điền danh sách vào trang sau"]])
    data = Table("Danh sách", [["Họ và tên", "Ngày sinh", "Số CCCD"]])
    assert headers.locate([intro, data], ROSTER_COLUMNS).table is data


def test_missing_required_columns_are_named():
    table = Table("s", [*TITLE, ["STT", "Họ và tên", "Ghi chú"], [1.0, "A", ""]])
    with pytest.raises(MissingColumns) as excinfo:
        headers.locate([table], ROSTER_COLUMNS)
    assert excinfo.value.code == "missing_columns"
    message = str(excinfo.value)
    assert "“Ngày sinh”" in message and "“Số CCCD”" in message
    assert "“Họ và tên”" in message  # among the columns found


def test_a_header_two_columns_claim_is_a_spec_error():
    with pytest.raises(ValueError):
        headers.synonym_table([Column("a", "Mã"), Column("b", "Tên", ("MÃ",))])


def test_units_spec_synonyms_do_not_clash():
    lookup = headers.synonym_table(UnitsSpec.columns)
    assert lookup["ma"] == "code" and lookup["madonvicaptren"] == "parent"
    assert lookup["cap"] == "kind" and lookup["hieuluctungay"] == "effective_on"


def test_roster_form_sample_layout():
    layout = headers.locate(read_tables(sample("roster-form.xlsx")), ROSTER_COLUMNS)
    assert layout.header_rows == (7, 8)
    assert layout.columns == {"name": 1, "birth": 2, "male": 3, "female": 4, "national_id": 5}
    first_data_row, cells = list(layout.table.iter_rows())[layout.data_start]
    assert first_data_row == 10 and cells[1] == "Đặng Quốc An"
