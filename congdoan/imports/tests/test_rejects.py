import datetime as dt
import io
import json
import re
import zipfile

import pytest
import xlsxwriter
from django.core.management import call_command
from django.utils import translation

from congdoan.core.dates import history_start
from congdoan.core.text import loose_key
from congdoan.imports.headers import REJECTS_HEADERS
from congdoan.imports.pipeline import run_import
from congdoan.imports.readers import read_tables
from congdoan.imports.rejects import COLUMN_ERROR, ERRORS_HEADER, write_rejects
from congdoan.imports.tests.files import UNITS_HEADER, write_xlsx
from congdoan.org.models import Unit
from congdoan.plans.tests.factory import make_indicator, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def errors_header() -> str:
    return str(ERRORS_HEADER)  # "Lỗi" once the Vietnamese catalogue has it


def column_prefix(column: str) -> str:
    return str(COLUMN_ERROR) % {"column": column, "message": ""}


TITLE = "LIÊN ĐOÀN LAO ĐỘNG TỈNH THỬ NGHIỆM"
HEADING = "DANH SÁCH ĐƠN VỊ CÔNG ĐOÀN"
TOP = ["Đơn vị", "", "Mã đơn vị cấp trên", "Loại đơn vị", "Ngày hiệu lực"]
SUB = ["Mã", "Tên", "", "", ""]
NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)"]
# 0-based ((first row, first col), (last row, last col)), as readers.Table keeps them.
MERGES = [
    ((0, 0), (0, 4)),
    ((1, 0), (1, 4)),
    ((2, 0), (2, 1)),
    ((2, 2), (3, 2)),
    ((2, 3), (3, 3)),
    ((2, 4), (3, 4)),
]


def founded() -> dt.date:
    return history_start() + dt.timedelta(days=40)


def roster(path, data_rows):
    """A clerk's file: two title rows, a two-row merged header, a numbering row, the data."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Đơn vị")
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    rows = [[TITLE], [HEADING], TOP, SUB, NUMBERS, *data_rows]
    merged = {first for first, _last in MERGES}
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if (r, c) in merged or value in ("", None):
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date)
            else:
                sheet.write_string(r, c, value)
    for (r0, c0), (r1, c1) in MERGES:
        sheet.merge_range(r0, c0, r1, c1, rows[r0][c0])
    workbook.close()
    return path


def data_rows():
    return [
        ["T", "LĐLĐ tỉnh Thử Nghiệm", "", "LĐLĐ tỉnh", founded()],
        ["0042", "CĐCS Trường Tiểu học 0042", "KHONG-CO", "CĐCS", founded()],
        ["T-1", "CĐCS Một", "T", "CĐCS", ""],
        ["0099", "CĐCS Chợ Mới", "T", "Không rõ", "31/02/2024"],
    ]


def rejects_of(result, tmp_path):
    path = tmp_path / "rejects.xlsx"
    write_rejects(result, path)
    [table] = read_tables(path)
    return path, table


def test_rejects_keep_title_header_and_numbering_rows_and_only_the_rejected_rows(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows())
    result = run_import(kind="units", source=source, skip_invalid=True)
    assert (result.created, result.rejected) == (2, 2)

    _path, table = rejects_of(result, tmp_path)

    assert table.name == "Đơn vị"
    assert table.rows[0][0] == TITLE and table.rows[1][0] == HEADING
    assert table.rows[2][:5] == TOP and table.rows[3][:5] == SUB
    assert table.rows[4][:5] == NUMBERS
    assert table.rows[2][5] == errors_header()
    # Header merges are re-made, the error header spans both header rows.
    assert set(MERGES) <= set(table.merges)
    assert ((2, 5), (3, 5)) in table.merges
    data = table.rows[5:]
    assert [row[0] for row in data] == ["0042", "0099"]  # text: the leading zeros stay
    assert data[0][:5] == ["0042", "CĐCS Trường Tiểu học 0042", "KHONG-CO", "CĐCS", founded()]
    assert data[1][4] == "31/02/2024"


def test_the_error_column_names_the_column_of_each_message(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows())
    result = run_import(kind="units", source=source, skip_invalid=True)
    path, table = rejects_of(result, tmp_path)

    first, second = (row[5] for row in table.rows[5:])
    assert first.startswith(column_prefix("Mã đơn vị cấp trên")) and "KHONG-CO" in first
    # The reader folds the line break between two messages into a space.
    kind_error, _sep, date_error = second.partition(" " + column_prefix("Ngày hiệu lực"))
    assert kind_error.startswith(column_prefix("Loại đơn vị")) and "Không rõ" in kind_error
    assert "31/02/2024" in date_error
    with zipfile.ZipFile(path) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "\n" + column_prefix("Ngày hiệu lực") in strings


def test_bad_cells_are_highlighted_and_dates_formatted(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows())
    result = run_import(kind="units", source=source, skip_invalid=True)
    path, _table = rejects_of(result, tmp_path)

    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "FFFFC7CE" in styles and "dd/mm/yyyy" in styles

    def style(cell):
        return re.search(rf'<c r="{cell}" s="(\d+)"', sheet).group(1)

    # Row 6: the parent code is wrong; row 7: the kind and the date.
    assert style("C6") == style("D7") != style("B6")
    assert style("E7") not in (style("E6"), style("B6"))


def test_fixed_rejects_file_imports_the_rows_it_holds(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows())
    result = run_import(kind="units", source=source, skip_invalid=True)
    path, table = rejects_of(result, tmp_path)

    # The clerk corrects the cells the error column points at and uploads the file again.
    fixed_rows = [list(row[:5]) for row in table.rows[5:]]
    fixed_rows[0][2] = "T"
    fixed_rows[1][3] = "CĐCS"
    fixed_rows[1][4] = founded()
    fixed = roster(tmp_path / "sua.xlsx", fixed_rows)

    again = run_import(kind="units", source=fixed)

    assert (again.rows, again.created, again.rejected) == (2, 2, 0)
    assert again.header_rows == (3, 4)
    assert Unit.objects.get(code="0042").parent.code == "T"
    assert Unit.objects.get(code="0099").name == "CĐCS Chợ Mới"


def test_the_rejects_file_itself_imports_once_fixed(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows())
    result = run_import(kind="units", source=source, skip_invalid=True)
    path, _table = rejects_of(result, tmp_path)

    # Unchanged, it is read with the same header and rejected for the same reasons …
    again = run_import(kind="units", source=path, skip_invalid=True)
    assert again.header_rows == (3, 4) and again.rejected == 2
    # The error column is known for what it is: neither data nor a column to complain about.
    assert again.ignored_columns == ()
    assert [e.code for e in again.errors] == [e.code for e in result.errors]


def test_one_row_header_csv_rejects_come_back_as_xlsx(tmp_path):
    path = write_xlsx(
        tmp_path / "units.xlsx",
        [UNITS_HEADER, ["T", "LĐLĐ tỉnh", "", "LĐLĐ tỉnh"], ["007", "CĐCS Bảy", "X", "CĐCS"]],
    )
    result = run_import(kind="units", source=path)
    assert result.rejected == 1 and not result.written
    stream = io.BytesIO()
    assert write_rejects(result, stream) == 1
    [table] = read_tables(io.BytesIO(stream.getvalue()), name="loi.xlsx")
    assert table.rows[0] == [*UNITS_HEADER, errors_header()]
    assert table.rows[1][:4] == ["007", "CĐCS Bảy", "X", "CĐCS"]
    assert len(table.rows) == 2


def test_command_writes_the_errors_file_and_names_it_in_json(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows())
    target = tmp_path / "loi.xlsx"
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import",
            "units",
            str(source),
            "--skip-invalid",
            "--json",
            "--errors-file",
            str(target),
            stdout=out,
        )
    assert exit_.value.code == 1
    assert json.loads(out.getvalue())["errors_file"] == str(target)
    [table] = read_tables(target)
    assert [row[0] for row in table.rows[5:]] == ["0042", "0099"]


def test_command_without_the_option_says_how_to_get_the_file(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows())
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "units", str(source), stdout=out)
    assert "--errors-file" in out.getvalue()


def test_command_writes_no_file_when_nothing_is_rejected(tmp_path):
    source = roster(tmp_path / "don-vi.xlsx", data_rows()[:1])
    target = tmp_path / "loi.xlsx"
    out = io.StringIO()
    call_command("import", "units", str(source), "--json", "--errors-file", str(target), stdout=out)
    assert not target.exists() and "errors_file" not in json.loads(out.getvalue())


def test_the_error_header_is_known_to_the_header_finder_in_both_languages():
    for language in ("vi", "en"):
        with translation.override(language):
            assert loose_key(str(ERRORS_HEADER)) in REJECTS_HEADERS


def test_targets_rejects_go_back_in_despite_the_strict_header(tmp_path, org):
    indicator = make_indicator(code="DOAN_VIEN", name="Đoàn viên")
    plan = make_plan(owner=org.province, indicators=[indicator], code="KH-01")
    header = ["STT", "Mã đơn vị", "Tên đơn vị", "Đoàn viên 2022", "Đoàn viên 2023"]
    rows = [
        ["KẾ HOẠCH PHÁT TRIỂN ĐOÀN VIÊN"],
        header,
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, "DA", "LĐLĐ huyện A", 1200, 1300],
        [2, "DB", "LĐLĐ huyện B", "mười", 1500],
    ]
    source = write_xlsx(tmp_path / "chi-tieu.xlsx", rows, merges=[(0, 0, 0, 4)])
    options = {"plan": "KH-01"}
    result = run_import(kind="targets", source=source, options=options, skip_invalid=True)
    assert result.rejected == 1
    path, table = rejects_of(result, tmp_path)
    assert table.rows[1] == [*header, errors_header()]
    [bad] = table.rows[3:]
    assert bad[1] == "DB" and bad[3] == "mười"

    fixed = write_xlsx(tmp_path / "sua.xlsx", [*table.rows[:3], [*bad[:3], 1400, bad[4], bad[5]]])
    again = run_import(kind="targets", source=fixed, options=options)
    assert (again.rejected, again.written) == (0, True)
    assert plan.targets.filter(unit__code="DB").count() == 2
