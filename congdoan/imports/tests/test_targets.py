import json
from decimal import Decimal

import pytest

from congdoan.core.models import AuditEntry
from congdoan.imports import errors
from congdoan.imports.pipeline import REASON, run_import
from congdoan.imports.specs.targets import TargetsSpec, is_total, target_value
from congdoan.imports.tests.files import csv_bytes, write_xlsx
from congdoan.imports.tests.files import run_import_command as run
from congdoan.org.kinds import UnitKind
from congdoan.plans.models import Aggregation, Measure, Plan, Target, TargetChange
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import make_unit

pytestmark = pytest.mark.django_db

TITLE = [
    ["LIÊN ĐOÀN LAO ĐỘNG TỈNH THỬ", "", "", "", "", "", ""],
    ["BẢNG GIAO CHỈ TIÊU PHÁT TRIỂN ĐOÀN VIÊN GIAI ĐOẠN 2022 - 2023", "", "", "", "", "", ""],
    ["", "", "", "", "", "", ""],
]
HEADER_A = [
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Số đoàn viên năm 2022",
    "Đoàn viên 2023",
    "Tỷ lệ DN có CĐCS (%) 2023",
    "Ghi chú",
]
NUMBERING = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"]
ROWS_A = [
    [1, "P", "LĐLĐ tỉnh Thử", 63000, "64.500", 80, ""],
    [2, "DA", "LĐLĐ huyện A", "1.200", "1,300", "12,5", ""],
    [3, "DB", "Huyện B", 1500, "", "-", "chưa giao năm 2023"],
    ["", "", "Tổng cộng", 65700, 65800, "", ""],
]


@pytest.fixture
def plan(org):
    members = make_indicator(code="DOAN_VIEN", name="Đoàn viên")
    unions = make_indicator(code="CDCS_MOI", name="CĐCS thành lập mới", measure=Measure.UNITS)
    share = make_indicator(
        code="TY_LE_CDCS",
        name="Tỷ lệ DN có CĐCS (%)",
        measure=Measure.PERCENT,
        aggregation=Aggregation.NONE,
    )
    return make_plan(owner=org.province, indicators=[members, unions, share], code="KH-01")


def sheet(tmp_path, rows, *, merges=(), name="chi-tieu.xlsx"):
    return write_xlsx(tmp_path / name, rows, merges=merges)


def layout_a(tmp_path, rows=ROWS_A, **kwargs):
    return sheet(tmp_path, [*TITLE, HEADER_A, NUMBERING, *rows], **kwargs)


def targets(plan):
    """(indicator, unit, period) → value of every target of the plan."""
    return {
        (t.indicator.code, t.unit.code, t.period.label): t.value
        for t in Target.objects.filter(plan=plan).select_related("indicator", "unit", "period")
    }


def import_targets(path, **options):
    spec_options = {"plan": options.pop("plan", "KH-01")}
    if "indicator" in options:
        spec_options["indicator"] = options.pop("indicator")
    return run_import(kind="targets", source=path, options=spec_options, **options)


def codes(result):
    return [(e.row, e.column, e.code) for e in result.errors]


# --- layouts -------------------------------------------------------------------------------


def test_one_header_row_with_title_rows_numbering_row_and_totals(tmp_path, plan):
    result = import_targets(layout_a(tmp_path))
    assert (result.rows, result.created, result.rejected) == (3, 3, 0), result.errors
    assert result.header_rows == (4,) and result.written
    assert targets(plan) == {
        ("DOAN_VIEN", "P", "2022"): Decimal("63000"),
        ("DOAN_VIEN", "P", "2023"): Decimal("64500"),
        ("TY_LE_CDCS", "P", "2023"): Decimal("80"),
        ("DOAN_VIEN", "DA", "2022"): Decimal("1200"),
        ("DOAN_VIEN", "DA", "2023"): Decimal("1300"),
        ("TY_LE_CDCS", "DA", "2023"): Decimal("12.5"),
        # empty and "-" cells set nothing, not 0; the totals row is no unit
        ("DOAN_VIEN", "DB", "2022"): Decimal("1500"),
    }


def test_two_header_rows_with_the_indicator_merged_over_its_periods(tmp_path, org, plan):
    rows = [
        ["KẾ HOẠCH GIAO CHỈ TIÊU", "", "", "", "", "", "", ""],
        ["STT", "Mã ĐV", "Tên đơn vị", "Đoàn viên", "", "", "CĐCS thành lập mới", ""],
        ["", "", "", "Năm 2022", 2023, "Giai đoạn 2022 - 2023", "2022", "GĐ 2022-2023"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
        [1, "DA", "LĐLĐ huyện A", 1200, 1300, 2500, 3, 5],
    ]
    merges = [(0, 0, 0, 7), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 5), (1, 6, 1, 7)]
    result = import_targets(sheet(tmp_path, rows, merges=merges))
    assert (result.created, result.rejected) == (1, 0), result.errors
    assert result.header_rows == (2, 3)
    assert targets(plan) == {
        ("DOAN_VIEN", "DA", "2022"): Decimal("1200"),
        ("DOAN_VIEN", "DA", "2023"): Decimal("1300"),
        ("DOAN_VIEN", "DA", "2022–2023"): Decimal("2500"),
        ("CDCS_MOI", "DA", "2022"): Decimal("3"),
        ("CDCS_MOI", "DA", "2022–2023"): Decimal("5"),
    }


def test_two_header_rows_without_merges_as_in_a_csv(tmp_path, plan):
    rows = [
        ["Mã đơn vị", "Tên đơn vị", "CDCS_MOI", ""],
        ["", "", "2022", "2023"],
        ["DB", "LĐLĐ huyện B", "4", "6"],
    ]
    path = tmp_path / "chi-tieu.csv"
    path.write_bytes(csv_bytes(rows))
    result = import_targets(path)
    assert result.created == 1, result.errors
    assert targets(plan) == {
        ("CDCS_MOI", "DB", "2022"): Decimal("4"),
        ("CDCS_MOI", "DB", "2023"): Decimal("6"),
    }


def test_a_single_indicator_sheet_takes_the_indicator_option(tmp_path, plan):
    rows = [
        ["CHỈ TIÊU ĐOÀN VIÊN", "", "", ""],
        ["Mã đơn vị", "Tên đơn vị", "Năm 2022", "Năm 2023"],
        ["DA-1", "CĐCS A1", 100, 120],
        ["", "cđcs a2", 80, ""],  # no code: the one unit under the owner with that name
    ]
    result = import_targets(sheet(tmp_path, rows), indicator="đoàn viên")
    assert (result.created, result.rejected) == (2, 0), result.errors
    assert targets(plan) == {
        ("DOAN_VIEN", "DA-1", "2022"): Decimal("100"),
        ("DOAN_VIEN", "DA-1", "2023"): Decimal("120"),
        ("DOAN_VIEN", "DA-2", "2022"): Decimal("80"),
    }


def test_a_period_only_sheet_without_the_indicator_option_says_so(tmp_path, plan):
    rows = [["Mã đơn vị", "Năm 2022", "Năm 2023"], ["DA", 1, 2]]
    with pytest.raises(errors.UnknownColumns) as caught:
        import_targets(sheet(tmp_path, rows))
    assert "“Năm 2022”" in caught.value.message and "--indicator" in caught.value.message


def test_a_header_that_names_no_indicator_makes_the_file_unusable(tmp_path, plan):
    rows = [["Mã đơn vị", "Số hội viên 2022", "Đoàn viên 2022", "STT"], ["DA", 1, 2, 1]]
    with pytest.raises(errors.UnknownColumns) as caught:
        import_targets(sheet(tmp_path, rows))
    assert "“Số hội viên 2022”" in caught.value.message
    assert "DOAN_VIEN" in caught.value.message and Target.objects.count() == 0


def test_a_sheet_without_a_unit_column_is_refused(tmp_path, plan):
    with pytest.raises(errors.MissingColumns):
        import_targets(sheet(tmp_path, [["Đoàn viên 2022"], [5]]))


@pytest.mark.parametrize(
    ("header", "indicator", "period"),
    [
        ("DOAN_VIEN 2022", "DOAN_VIEN", "2022"),
        ("doan vien (giai doan 2022–2023)", "DOAN_VIEN", "2022–2023"),
        ("Số CĐCS thành lập mới GĐ 2022 đến 2023", "CDCS_MOI", "2022–2023"),
        ("Năm 2023 - Tỷ lệ DN có CĐCS", "TY_LE_CDCS", "2023"),
    ],
)
def test_headers_are_matched_loosely(plan, header, indicator, period):

    spec = TargetsSpec(plan="kh-01")
    key = spec.match_header(header, "")
    found = spec.targets[key]
    assert (found[0].code, found[1].label) == (indicator, period)


@pytest.mark.parametrize(
    ("upper", "lower", "indicator", "period"),
    [
        ("Đoàn viên", "Năm 2022", "DOAN_VIEN", "2022"),
        ("CĐCS thành lập mới", "GĐ 2022-2023", "CDCS_MOI", "2022–2023"),
        ("Chỉ tiêu giao năm 2023", "Đoàn viên", "DOAN_VIEN", "2023"),
        ("Chỉ tiêu giao", "Đoàn viên 2023", "DOAN_VIEN", "2023"),
    ],
)
def test_two_row_headers_name_indicator_and_period_either_way(
    plan, upper, lower, indicator, period
):
    spec = TargetsSpec(plan="KH-01")
    found = spec.targets[spec.match_header(upper, lower)]
    assert (found[0].code, found[1].label) == (indicator, period)


def test_the_most_specific_indicator_name_wins(org):

    members = make_indicator(code="DV", name="Đoàn viên")
    new = make_indicator(code="DV_MOI", name="Đoàn viên mới kết nạp")
    make_plan(owner=org.province, indicators=[members, new], code="KH-02")
    spec = TargetsSpec(plan="KH-02")
    assert spec.targets[spec.match_header("Số đoàn viên mới kết nạp năm 2022", "")][0] == new
    assert spec.targets[spec.match_header("Tổng số đoàn viên 2022", "")][0] == members


# --- rows ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (1200.0, "1200"),
        ("1.200", "1200"),
        ("1,200", "1200"),
        ("1 200", "1200"),
        ("1.234.567", "1234567"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("0,125", "0.13"),
        ("1.234,5", "1234.5"),
        ("12,5%", "12.5"),
        ("-", None),
    ],
)
def test_target_cells_read_as_clerks_write_numbers(cell, value):

    assert target_value(cell) == (None if value is None else Decimal(value))


@pytest.mark.parametrize("cell", ["1,2,3", "nhiều", "-5", True])
def test_target_cells_that_are_no_target_are_invalid(cell):

    with pytest.raises(errors.Invalid):
        target_value(cell)


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Tổng cộng", True),
        ("TỔNG CỘNG:", True),
        ("Cộng toàn tỉnh", True),
        ("Công đoàn ngành Y tế", False),
        ("Công đoàn Tổng công ty Cao su", False),
    ],
)
def test_totals_rows_are_told_from_unions(text, total):

    assert is_total(text) is total


def test_group_headings_with_subtotals_are_skipped_but_unit_rows_numbered_so_are_not(
    tmp_path, plan
):
    rows = [
        ["I", "", "Khối LĐLĐ cấp huyện", 2700, "", "", ""],
        [1, "DA", "LĐLĐ huyện A", 1200, "", "", ""],
        [2, "DB", "LĐLĐ huyện B", 1500, "", "", ""],
        ["II", "", "LĐLĐ huyện A", 5, "", "", ""],  # names a unit: a duplicate, not a heading
    ]
    result = import_targets(layout_a(tmp_path, rows))
    assert result.rows == 3
    assert codes(result) == [(9, "Mã đơn vị", "duplicate_unit")]


def test_bad_cells_and_units_reject_their_rows_with_the_header_as_in_the_file(tmp_path, plan):
    other = make_unit(code="Q", name="LĐLĐ tỉnh Khác", kind=UnitKind.PROVINCE)
    rows = [
        [1, "DA", "LĐLĐ huyện A", "nhiều", 1, "", ""],
        [2, "DB", "LĐLĐ huyện B", -5, "", "", ""],
        [3, "ZZ", "Không có", 1, "", "", ""],
        [4, other.code, other.name, 1, "", "", ""],
        [5, "DA-1", "CĐCS B1", 1, "", "", ""],
        [6, "", "CĐCS Không Tên", 1, "", "", ""],
        [7, "P", "LĐLĐ tỉnh Thử", 63000, "", "", ""],
    ]
    result = import_targets(layout_a(tmp_path, rows))
    assert codes(result) == [
        (6, "Số đoàn viên năm 2022", "value_invalid"),
        (7, "Số đoàn viên năm 2022", "value_negative"),
        (8, "Mã đơn vị", "unknown_unit"),
        (9, "Mã đơn vị", "unit_outside_plan"),
        (10, "Tên đơn vị", "unit_name_mismatch"),
        (11, "Tên đơn vị", "unknown_unit"),
    ]
    assert (result.rows, result.created, result.rejected) == (7, 1, 6)
    # all or nothing by default
    assert not result.written and Target.objects.count() == 0


def test_skip_invalid_keeps_the_good_rows(tmp_path, plan):
    rows = [[1, "DA", "LĐLĐ huyện A", "abc", 1, "", ""], [2, "DB", "", 10, 20, "", ""]]
    result = import_targets(layout_a(tmp_path, rows), skip_invalid=True)
    assert (result.created, result.rejected, result.written) == (1, 1, True)
    assert set(targets(plan)) == {("DOAN_VIEN", "DB", "2022"), ("DOAN_VIEN", "DB", "2023")}


def test_a_unit_twice_rejects_the_second_row(tmp_path, plan):
    rows = [[1, "DA", "", 1, "", "", ""], [2, "", "LĐLĐ huyện A", 2, "", "", ""]]
    result = import_targets(layout_a(tmp_path, rows))
    assert codes(result) == [(7, "Mã đơn vị", "duplicate_unit")]


def test_several_units_with_the_name_need_a_code(tmp_path, org, plan):
    make_unit(code="DB-9", name="CĐCS A1", parent=org.district_b)
    rows = [["Tên đơn vị", "Đoàn viên 2022"], ["CĐCS A1", 5]]
    result = import_targets(sheet(tmp_path, rows))
    assert codes(result) == [(2, "Tên đơn vị", "ambiguous_unit")]
    assert "DA-1, DB-9" in result.errors[0].message


# --- writing -------------------------------------------------------------------------------


def test_reimport_is_unchanged_and_a_changed_cell_updates(tmp_path, plan):
    path = layout_a(tmp_path)
    import_targets(path)
    changes = TargetChange.objects.count()
    again = import_targets(path)
    assert (again.unchanged, again.created, again.updated, again.written) == (3, 0, 0, False)
    assert TargetChange.objects.count() == changes
    rows = [list(r) for r in ROWS_A]
    rows[1][3] = 1250
    changed = import_targets(layout_a(tmp_path, rows, name="v2.xlsx"))
    assert (changed.updated, changed.unchanged) == (1, 2)
    assert targets(plan)[("DOAN_VIEN", "DA", "2022")] == Decimal("1250")
    last = TargetChange.objects.order_by("pk").last()
    assert (last.before, last.after) == (1200, 1250)
    assert last.reason == str(REASON) % {"file": "v2.xlsx"}


def test_dry_run_reports_and_writes_nothing(tmp_path, plan):
    audits = AuditEntry.objects.count()
    result = import_targets(layout_a(tmp_path), dry_run=True)
    assert (result.created, result.written) == (3, False)
    assert Target.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_a_district_user_is_refused_the_province_row(tmp_path, users, plan):
    rows = [
        [1, "P", "LĐLĐ tỉnh Thử", 63000, "", "", ""],
        [2, "DA-1", "CĐCS A1", 100, "", "", ""],
    ]
    status, out, _err = run(
        "targets",
        str(layout_a(tmp_path, rows)),
        "--plan",
        "KH-01",
        "--user",
        "huyen_a",
        "--skip-invalid",
        "--json",
    )
    assert status == 1
    data = json.loads(out)
    assert data["errors"] == [
        {
            "row": 6,
            "column": "Mã đơn vị",
            "code": "not_allowed",
            "message": data["errors"][0]["message"],
        }
    ]
    assert targets(plan) == {("DOAN_VIEN", "DA-1", "2022"): Decimal("100")}
    change = TargetChange.objects.get()
    assert change.actor == users.district_manager and change.reason == "Nhập từ tệp chi-tieu.xlsx"


# --- the command ---------------------------------------------------------------------------


def test_command_prints_the_json_summary_and_exits_0(tmp_path, plan):
    status, out, _err = run(
        "targets", str(layout_a(tmp_path)), "--plan", "KH-01", "--json", "--reason", "Giao 2022"
    )
    assert status == 0
    data = json.loads(out)
    assert {
        k: data[k] for k in ("file", "rows", "created", "updated", "unchanged", "rejected")
    } == {
        "file": "chi-tieu.xlsx",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    assert set(TargetChange.objects.values_list("reason", flat=True)) == {"Giao 2022"}


def test_command_rejected_rows_exit_1(tmp_path, plan):
    rows = [[1, "ZZ", "", 1, "", "", ""]]
    status, out, _err = run("targets", str(layout_a(tmp_path, rows)), "--plan", "KH-01")
    assert status == 1 and "[unknown_unit]" in out


@pytest.mark.parametrize(
    "args",
    [
        ["targets", "{file}"],  # no plan
        ["targets", "{file}", "--plan", "NOPE"],
        ["targets", "{file}", "--plan", "KH-01", "--indicator", "NOPE"],
        ["units", "{file}", "--plan", "KH-01"],
    ],
)
def test_command_options_that_do_not_fit_exit_2_with_one_line(tmp_path, plan, args):
    path = str(layout_a(tmp_path))
    status, out, err = run(*[a.format(file=path) for a in args])
    assert status == 2 and out == ""
    assert err.strip() and "\n" not in err.strip()


def test_command_unknown_header_exits_2_with_json(tmp_path, plan):
    path = sheet(tmp_path, [["Mã đơn vị", "Số hội viên 2022"], ["DA", 1]])
    status, out, err = run("targets", str(path), "--plan", "KH-01", "--json")
    assert status == 2 and "Số hội viên 2022" in err
    assert json.loads(out)["errors"][0]["code"] == "unknown_columns"


def test_a_closed_plan_takes_no_targets(tmp_path, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    with pytest.raises(errors.BadOption):
        import_targets(layout_a(tmp_path))
