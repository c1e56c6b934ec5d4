import datetime as dt
import random

import pytest

from congdoan.accounts.scope import scope_for
from congdoan.core.dates import history_start, today
from congdoan.core.models import AuditEntry
from congdoan.imports.pipeline import run_import
from congdoan.imports.readers import read_tables
from congdoan.imports.specs.units import KIND_LABELS
from congdoan.imports.tests.files import (
    UNITS_HEADER,
    csv_bytes,
    sample,
    write_ods,
    write_xlsx,
)
from congdoan.org import services as org_services
from congdoan.org.kinds import UnitKind, kind_from_label
from congdoan.org.models import OrgEvent, Unit, UnitVersion

pytestmark = pytest.mark.django_db

NEW_UNITS = [
    ["T", "Liên đoàn Lao động tỉnh Thử Nghiệm", "", "LĐLĐ tỉnh"],
    ["T-KS", "LĐLĐ huyện Kế Sách", "T", "LĐLĐ cấp huyện"],
    ["T-KS-1", "CĐCS Trường Tiểu học Phú Lợi", "T-KS", "CĐCS"],
]


def import_rows(tmp_path, rows, *, header=UNITS_HEADER, **options):
    path = write_xlsx(tmp_path / "units.xlsx", [header, *rows])
    return run_import(kind="units", source=path, **options)


def counts():
    return (
        Unit.objects.count(),
        UnitVersion.objects.count(),
        OrgEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def error_codes(result):
    return [(e.row, e.code) for e in result.errors]


def test_sample_imports_every_row_parents_first():
    result = run_import(kind="units", source=sample("units-soc-trang.xlsx"))
    assert (result.rows, result.created, result.rejected) == (61, 61, 0)
    assert result.written and result.errors == []
    province = Unit.objects.get(code="LDLD-ST")
    grassroots = Unit.objects.get(code="ST-TP-001")
    assert grassroots.parent.code == "ST-TP" and grassroots.kind == UnitKind.GRASSROOTS
    assert grassroots.path.startswith(province.path) and grassroots.depth == 2
    assert province.starts_on == history_start()


def test_shuffled_rows_still_import(tmp_path):
    [table] = read_tables(sample("units-soc-trang.xlsx"))
    header, *rows = table.rows
    random.Random(7).shuffle(rows)
    assert rows[0][0] != "LDLD-ST"
    path = write_xlsx(tmp_path / "shuffled.xlsx", [header, *rows])
    result = run_import(kind="units", source=path)
    assert (result.created, result.rejected) == (61, 0)
    assert Unit.objects.get(code="ST-KCN-045").parent.code == "ST-KCN"


def test_reimporting_the_same_file_changes_nothing():
    path = sample("units-soc-trang.xlsx")
    run_import(kind="units", source=path)
    before = counts()
    again = run_import(kind="units", source=path)
    assert (again.unchanged, again.created, again.updated, again.rejected) == (61, 0, 0, 0)
    assert not again.written and counts() == before


def test_actor_and_file_are_recorded(tmp_path, users):
    import_rows(tmp_path, NEW_UNITS, actor=users.admin)
    unit = Unit.objects.get(code="T-KS-1")
    event = unit.events.get()
    assert event.actor == users.admin and "units.xlsx" in event.reason
    assert AuditEntry.objects.get(object_id=str(unit.pk)).actor == users.admin


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_csv_in_each_encoding(tmp_path, encoding):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes([UNITS_HEADER, *NEW_UNITS], delimiter=";", encoding=encoding))
    result = run_import(kind="units", source=path)
    assert (result.created, result.rejected) == (3, 0)
    assert Unit.objects.get(code="T-KS-1").name == "CĐCS Trường Tiểu học Phú Lợi"


def test_ods_file(tmp_path):
    path = write_ods(tmp_path / "units.ods", [UNITS_HEADER, *NEW_UNITS])
    result = run_import(kind="units", source=path)
    assert (result.created, result.rejected) == (3, 0)


def test_title_rows_two_row_header_and_numbering_row(tmp_path):
    rows = [
        ["LIÊN ĐOÀN LAO ĐỘNG TỈNH THỬ NGHIỆM"],
        ["DANH SÁCH CÁC ĐƠN VỊ CÔNG ĐOÀN"],
        ["Ngày 15 tháng 01 năm 2025"],
        [],
        ["STT", "Đơn vị", "", "Mã đơn vị cấp trên", "Loại đơn vị", "Ghi chú"],
        ["", "Mã", "Tên", "", "", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        *([float(i), *unit, ""] for i, unit in enumerate(NEW_UNITS, start=1)),
        [4.0, "T-KS-2", "CĐCS Lạ", "T-KS", "Công đoàn gì đó", ""],
    ]
    merges = [(4, 1, 4, 2), *((4, c, 5, c) for c in (0, 3, 4, 5))]
    path = write_xlsx(tmp_path / "form.xlsx", rows, merges=merges)
    result = run_import(kind="units", source=path, dry_run=True)
    assert result.header_rows == (5, 6)
    assert result.ignored_columns == ("STT", "Ghi chú")
    assert (result.rows, result.created) == (4, 3)
    assert error_codes(result) == [(11, "unknown_kind")]
    assert result.errors[0].column == "Loại đơn vị"
    assert Unit.objects.count() == 0


def test_unknown_parent_rejects_and_writes_nothing(tmp_path, org):
    before = counts()
    result = import_rows(tmp_path, [*NEW_UNITS, ["X", "CĐCS X", "NOPE", "CĐCS"]])
    assert error_codes(result) == [(5, "unknown_parent")]
    assert result.errors[0].column == "Mã đơn vị cấp trên"
    assert (result.created, result.rejected, result.written) == (3, 1, False)
    assert counts() == before


def test_unknown_kind_label_lists_accepted_labels(tmp_path, org):
    before = counts()
    result = import_rows(tmp_path, [["X", "CĐCS X", "DA", "Công đoàn gì đó"]])
    assert error_codes(result) == [(2, "unknown_kind")]
    assert "CĐCS" in result.errors[0].message and "LĐLĐ cấp huyện" in result.errors[0].message
    assert counts() == before


def test_duplicate_code_rejects_the_later_row(tmp_path, org):
    before = counts()
    result = import_rows(
        tmp_path, [["X", "CĐCS X", "DA", "CĐCS"], ["x", "CĐCS X bis", "DB", "CĐCS"]]
    )
    assert error_codes(result) == [(3, "duplicate_code")]
    assert counts() == before


def test_grassroots_under_grassroots_is_refused(tmp_path, org):
    before = counts()
    result = import_rows(tmp_path, [["X", "CĐCS X", "DA-1", "CĐCS"]])
    assert error_codes(result) == [(2, "kind_not_allowed")]
    assert result.errors[0].column == "Loại đơn vị"
    assert counts() == before


def test_name_taken_under_the_same_parent(tmp_path, org):
    result = import_rows(tmp_path, [["X", "CĐCS A1", "DA", "CĐCS"]])
    assert error_codes(result) == [(2, "name_taken")]


def test_parents_in_a_loop_are_rejected_with_their_children(tmp_path, org):
    rows = [
        ["A", "CĐ A", "B", "Công đoàn ngành"],
        ["B", "CĐ B", "A", "Công đoàn ngành"],
        ["C", "CĐCS C", "A", "CĐCS"],
        ["D", "CĐCS D", "D", "CĐCS"],
    ]
    result = import_rows(tmp_path, rows, skip_invalid=True)
    assert sorted(error_codes(result)) == [
        (2, "parent_cycle"),
        (3, "parent_cycle"),
        (4, "parent_rejected"),
        (5, "parent_cycle"),
    ]


def test_too_long_name(tmp_path, org):
    result = import_rows(tmp_path, [["X", "CĐCS " + "x" * 300, "DA", "CĐCS"]])
    assert error_codes(result) == [(2, "too_long")]


def test_missing_required_value(tmp_path, org):
    result = import_rows(tmp_path, [["X", "", "DA", "CĐCS"]])
    assert error_codes(result) == [(2, "required")]
    assert result.errors[0].column == "Tên đơn vị"


def test_skip_invalid_writes_the_valid_rows(tmp_path):
    rows = [*NEW_UNITS, ["T-KS-2", "CĐCS Lạ", "T-KS", "Công đoàn gì đó"]]
    result = import_rows(tmp_path, rows, skip_invalid=True)
    assert (result.created, result.rejected, result.written) == (3, 1, True)
    assert set(Unit.objects.values_list("code", flat=True)) == {"T", "T-KS", "T-KS-1"}
    assert Unit.objects.get(code="T-KS-1").path.count("/") == 4  # structure refreshed


def test_dry_run_writes_nothing(tmp_path):
    result = import_rows(tmp_path, NEW_UNITS, dry_run=True)
    assert (result.created, result.rejected, result.written) == (3, 0, False)
    assert counts() == (0, 0, 0, 0)


def test_a_failure_mid_write_rolls_everything_back(tmp_path, monkeypatch):
    real, calls = org_services.create_unit, []

    def failing(**kwargs):
        calls.append(kwargs["code"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(org_services, "create_unit", failing)
    with pytest.raises(RuntimeError):
        import_rows(tmp_path, NEW_UNITS)
    assert counts() == (0, 0, 0, 0)


def test_existing_unit_is_renamed_at_the_effective_date(tmp_path, org):
    header = [*UNITS_HEADER, "Ngày hiệu lực"]
    rows = [["DA", "LĐLĐ huyện A mới", "P", "LĐLĐ cấp huyện", "01/07/2024"]]
    result = import_rows(tmp_path, rows, header=header)
    assert (result.updated, result.rejected) == (1, 0)
    versions = list(Unit.objects.get(code="DA").versions.order_by("valid_from"))
    assert [v.valid_from for v in versions] == [dt.date(2000, 1, 1), dt.date(2024, 7, 1)]
    assert Unit.objects.get(code="DA").name == "LĐLĐ huyện A mới"


def test_change_of_kind_and_parent_together_finds_a_valid_order(tmp_path, org):
    result = import_rows(tmp_path, [["DA-1", "CĐCS A1", "P", "LĐLĐ cấp huyện"]])
    assert (result.updated, result.rejected) == (1, 0)
    unit = Unit.objects.get(code="DA-1")
    assert (unit.kind, unit.parent.code) == (UnitKind.DISTRICT, "P")
    assert unit.versions.order_by("valid_from").last().valid_from == today()


def test_moving_a_unit_to_the_top_is_refused(tmp_path, org):
    result = import_rows(tmp_path, [["DA", "LĐLĐ huyện A", "", "LĐLĐ cấp huyện"]])
    assert error_codes(result) == [(2, "cannot_move_to_top")]


def test_new_unit_under_an_existing_parent_starts_with_it(tmp_path, org):
    import_rows(tmp_path, [["DA-3", "CĐCS A3", "DA", "CĐCS"]])
    assert Unit.objects.get(code="DA-3").starts_on == org.district_a.starts_on


@pytest.mark.parametrize(
    "date, code", [("2019", "year_only"), ("31/02/2020", "invalid_date"), ("01/01/2999", None)]
)
def test_effective_date_must_be_a_full_past_date(tmp_path, org, date, code):
    header = [*UNITS_HEADER, "Hiệu lực từ ngày"]
    result = import_rows(tmp_path, [["X", "CĐCS X", "DA", "CĐCS", date]], header=header)
    assert error_codes(result) == [(2, code or "date_in_future")]
    assert result.errors[0].column == "Hiệu lực từ ngày"


def test_scope_limits_where_units_may_be_placed(tmp_path, users, org):
    rows = [
        ["DA-9", "Công đoàn xã Phú Tâm", "DA", "Công đoàn xã"],
        ["DA-9-1", "CĐCS Trạm Y tế Phú Tâm", "DA-9", "CĐCS"],
        ["DB-9", "CĐCS B9", "DB", "CĐCS"],
        ["TOP", "LĐLĐ tỉnh Khác", "", "LĐLĐ tỉnh"],
        ["DB-1", "CĐCS B1 mới", "DB", "CĐCS"],
    ]
    scope = scope_for(users.district_manager)
    result = import_rows(
        tmp_path, rows, actor=users.district_manager, scope=scope, skip_invalid=True
    )
    assert error_codes(result) == [(4, "outside_scope"), (5, "outside_scope"), (6, "outside_scope")]
    assert result.created == 2
    assert Unit.objects.get(code="DA-9-1").path.startswith(org.district_a.path)


def test_every_kind_has_a_listed_label_that_is_accepted():
    kinds = {kind_from_label(label) for label in KIND_LABELS}
    assert None not in kinds
    assert kinds == set(UnitKind.values)
