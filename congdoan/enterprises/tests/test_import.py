import datetime as dt

import pytest

from congdoan.accounts.scope import scope_for
from congdoan.core.audit import history
from congdoan.core.models import AuditEntry
from congdoan.enterprises import selectors
from congdoan.enterprises.models import Enterprise, Headcount, StatusPeriod, UnionLink
from congdoan.enterprises.tests.factory import valid_tax_code
from congdoan.imports.pipeline import run_import
from congdoan.imports.tests.files import csv_bytes, write_xlsx
from congdoan.org import services as org_services

pytestmark = pytest.mark.django_db
D = dt.date

HEADER = [
    "STT", "Mã số thuế", "Tên doanh nghiệp", "Địa chỉ", "Mã đơn vị", "Loại hình",
    "Ngành nghề", "Số lao động", "Ngày số liệu", "Tình trạng", "CĐCS",
]  # fmt: skip
CODES = [valid_tax_code(9000 + i) for i in range(6)]
FOREIGN_CODE = valid_tax_code(4242, province="03")  # starts with 0: Excel drops it


def row(i, code, name, area, ownership, workers, union="", status="Đang hoạt động"):
    return [
        i, code, name, f"Số {i}, phường 2, TP Sóc Trăng", area, ownership,
        "May mặc", workers, "31/12/2023", status, union,
    ]  # fmt: skip


FIRST_LIST = [
    row(1, CODES[0], "Công ty TNHH May Mặc Phú Lợi", "DA", "Công ty TNHH", 450, "DA-1"),
    row(2, CODES[1], "Công ty Cổ phần Thủy sản Mỹ Xuyên", "DA", "Cổ phần", 120),
    row(3, int(FOREIGN_CODE), "Công ty TNHH Giày Da Hồng Phát", "DB", "FDI", 1200),
    row(4, CODES[2], "Hợp tác xã Nông nghiệp Hòa Tú", "DB", "HTX", 18),
]


def counts():
    return tuple(
        model.objects.count()
        for model in (Enterprise, Headcount, StatusPeriod, UnionLink, AuditEntry)
    )


def import_rows(tmp_path, rows, *, header=HEADER, name="doanh-nghiep.xlsx", **options):
    path = write_xlsx(tmp_path / name, [header, *rows])
    return run_import(kind="enterprises", source=path, **options)


def error_codes(result):
    return [(e.row, e.column, e.code) for e in result.errors]


def test_a_list_registers_enterprises_with_figures_and_unions(tmp_path, org):
    result = import_rows(tmp_path, FIRST_LIST)
    assert (result.rows, result.created, result.rejected, result.written) == (4, 4, 0, True)
    first = Enterprise.objects.get(tax_code=CODES[0])
    assert (first.ownership, first.area_unit.code, first.industry) == ("non_state", "DA", "May mặc")
    assert list(first.headcounts.values_list("as_of", "workers")) == [(D(2023, 12, 31), 450)]
    assert first.status_periods.get().valid_from == D(2023, 12, 31)
    # The union existed long before the list: it covers the enterprise since it was founded.
    assert first.union_links.get().valid_from == org.grassroots_a1.starts_on
    # A tax code typed as a number lost its leading zero; it is given back.
    foreign = Enterprise.objects.get(tax_code=FOREIGN_CODE)
    assert FOREIGN_CODE.startswith("0") and foreign.ownership == "foreign"
    assert Enterprise.objects.get(tax_code=CODES[2]).ownership == "cooperative"
    coverage = selectors.coverage(unit=org.province, on=D(2024, 1, 1))
    assert (coverage.eligible, coverage.with_union, coverage.workers_covered) == (3, 1, 450)


def test_title_rows_merged_two_row_header_and_numbering(tmp_path, org):
    rows = [
        ["LIÊN ĐOÀN LAO ĐỘNG TỈNH SÓC TRĂNG"],
        ["DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN"],
        ["(Tính đến ngày 31/12/2023)"],
        [],
        ["STT", "MST", "Tên doanh nghiệp", "Đơn vị quản lý", "Loại hình doanh nghiệp",
         "Lao động", "", "Tính đến ngày", "Trạng thái hoạt động", "Mã CĐCS"],
        ["", "", "", "", "", "Tổng số", "Nữ", "", "", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],
        [1, CODES[0], "Công ty TNHH May Mặc Phú Lợi", "DA", "Tư nhân", 450, 300,
         "31/12/2023", "Hoạt động", "DA-1"],
        [2, CODES[1], "Công ty CP Thủy sản", "DB", "Công ty TNHH MTV", 120, 80,
         "31/12/2023", "Tạm ngừng hoạt động", "Chưa có"],
    ]  # fmt: skip
    merges = [(4, 5, 4, 6), *((4, c, 5, c) for c in (0, 1, 2, 3, 4, 7, 8, 9))]
    path = write_xlsx(tmp_path / "ds.xlsx", rows, merges=merges)
    result = run_import(kind="enterprises", source=path)
    assert result.header_rows == (5, 6)
    assert result.ignored_columns == ("STT", "Lao động / Nữ")
    assert (result.created, result.rejected) == (2, 0)
    second = Enterprise.objects.get(tax_code=CODES[1])
    assert second.headcounts.get().workers == 120
    assert second.status_periods.get().status == "suspended"
    assert not second.union_links.exists()


def test_csv_with_semicolons(tmp_path, org):
    path = tmp_path / "dn.csv"
    path.write_bytes(csv_bytes([HEADER, *FIRST_LIST[:2]], delimiter=";"))
    result = run_import(kind="enterprises", source=path)
    assert (result.created, result.rejected) == (2, 0)


def test_each_bad_row_is_named_and_nothing_is_written(tmp_path, org, users):
    bad_check_digit = CODES[3][:9] + str((int(CODES[3][9]) + 1) % 10)
    rows = [
        *FIRST_LIST[:2],
        row(5, bad_check_digit, "Công ty Sai Mã", "DA", "TNHH", 50),
        row(6, "12345", "Công ty Thiếu Số", "DA", "TNHH", 50),
        row(7, CODES[4], "Công ty Âm", "DA", "TNHH", -5),
        row(8, CODES[5], "Công ty Huyện B", "DB", "TNHH", 60),
        row(9, CODES[0], "Công ty Trùng", "DA", "TNHH", 60),
        row(10, valid_tax_code(), "Công ty Loại Lạ", "DA", "Công ty gì đó", 60),
        row(11, valid_tax_code(), "Công ty Không Đơn Vị", "NOPE", "TNHH", 60),
    ]
    before = counts()
    result = import_rows(
        tmp_path,
        rows,
        actor=users.district_manager,
        scope=scope_for(users.district_manager),
    )
    assert error_codes(result) == [
        (4, "Mã số thuế", "tax_code_check_digit"),
        (5, "Mã số thuế", "tax_code_format"),
        (6, "Số lao động", "workers_negative"),
        (7, "Mã đơn vị", "outside_scope"),
        (8, "Mã số thuế", "duplicate_tax_code"),
        (9, "Loại hình", "unknown_ownership"),
        (10, "Mã đơn vị", "unknown_area"),
    ]
    assert "Ngoài nhà nước, Tư nhân, TNHH" in result.errors[5].message
    assert (result.created, result.rejected, result.written) == (2, 7, False)
    assert counts() == before


def test_skip_invalid_keeps_the_good_rows(tmp_path, org):
    rows = [*FIRST_LIST[:2], row(3, "12345", "Công ty Thiếu Số", "DA", "TNHH", 50)]
    result = import_rows(tmp_path, rows, skip_invalid=True)
    assert (result.created, result.rejected, result.written) == (2, 1, True)
    assert Enterprise.objects.count() == 2


def test_dry_run_writes_nothing(tmp_path, org):
    before = counts()
    result = import_rows(tmp_path, FIRST_LIST, dry_run=True)
    assert (result.created, result.written) == (4, False)
    assert counts() == before


def test_reimporting_a_newer_list_updates_by_tax_code_and_keeps_history(tmp_path, org):
    import_rows(tmp_path, FIRST_LIST)
    org_services.create_unit(
        actor=None, code="DA-3", name="CĐCS Cổ phần Thủy sản", kind="grassroots",
        parent=org.district_a, on=D(2024, 3, 1),
    )  # fmt: skip
    newer = [[*r] for r in FIRST_LIST]
    for r in newer:
        r[8] = "30/06/2024"
    newer[0][7] = 450  # the same figure at a new date: a new headcount row all the same
    newer[1][2] = "Công ty Cổ phần Thủy sản Sóc Trăng"
    newer[1][7], newer[1][10] = 135, "DA-3"
    newer[2][9] = "Tạm ngừng kinh doanh"
    newer[3][7] = 22
    result = import_rows(tmp_path, newer, name="dn-2024.xlsx")
    assert (result.updated, result.unchanged, result.rejected) == (4, 0, 0)
    second = Enterprise.objects.get(tax_code=CODES[1])
    assert second.name == "Công ty Cổ phần Thủy sản Sóc Trăng"
    assert list(second.headcounts.order_by("as_of").values_list("workers", flat=True)) == [
        120,
        135,
    ]
    assert second.union_links.get().valid_from == D(2024, 3, 1)
    renamed = history(second).filter(action="update", operation="").get()
    assert renamed.after["name"] == second.name and "dn-2024.xlsx" in renamed.reason
    suspended = Enterprise.objects.get(tax_code=FOREIGN_CODE).status_periods
    assert list(suspended.values_list("status", "valid_from")) == [
        ("operating", D(2023, 12, 31)),
        ("suspended", D(2024, 6, 30)),
    ]
    # Before the union was founded the enterprise had none; after, it has.
    before = selectors.coverage(unit=org.province, on=D(2024, 2, 1))
    after = selectors.coverage(unit=org.province, on=D(2024, 6, 30))
    assert (before.eligible, before.with_union) == (3, 1)
    # The FDI company is suspended, the cooperative grew past 20.
    assert (after.eligible, after.with_union, after.workers_covered) == (3, 2, 585)
    again = import_rows(tmp_path, newer, name="dn-2024.xlsx")
    assert (again.unchanged, again.written) == (4, False)


def test_an_enterprise_outside_scope_is_not_changed_by_a_newer_list(tmp_path, org, users):
    import_rows(tmp_path, FIRST_LIST)
    before = counts()
    newer = [[*FIRST_LIST[2]]]
    newer[0][7] = 1300
    result = import_rows(
        tmp_path, newer, actor=users.district_manager, scope=scope_for(users.district_manager)
    )
    assert error_codes(result) == [(2, "Mã đơn vị", "outside_scope")]
    assert counts() == before


def test_a_union_founded_after_the_figure_date_is_refused(tmp_path, org):
    org_services.create_unit(
        actor=None, code="DA-4", name="CĐCS Mới", kind="grassroots",
        parent=org.district_a, on=D(2024, 3, 1),
    )  # fmt: skip
    result = import_rows(tmp_path, [row(1, CODES[0], "Công ty A", "DA", "TNHH", 50, "DA-4")])
    assert error_codes(result) == [(2, "CĐCS", "union_not_there")]
    assert Enterprise.objects.count() == 0
