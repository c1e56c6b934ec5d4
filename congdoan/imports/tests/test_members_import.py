import datetime as dt
import json
import unicodedata

import pytest

from congdoan.core.models import AuditEntry
from congdoan.imports import errors
from congdoan.imports.pipeline import run_import
from congdoan.imports.tests.files import csv_bytes, sample, write_xlsx
from congdoan.imports.tests.files import run_import_command as run
from congdoan.members.models import Member, Membership
from congdoan.testing import Org, Users, make_member

pytestmark = pytest.mark.django_db

EXPECTED_FORM_REJECTS = [20, 30, 40, 50, 60, 68, 80]
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào CĐ", "Mã CĐCS"]
AN = ["Nguyễn Văn An", "17/05/1990", "Nam", "079090123456", "01/03/2015", "DA-1"]
BINH = ["Trần Thị Bình", "02/02/1985", "Nữ", "079185654321", "10/10/2012", "DA-1"]


@pytest.fixture
def soc_trang():
    result = run_import(kind="units", source=sample("units-soc-trang.xlsx"))
    assert result.written


@pytest.fixture
def org():
    return Org()


def roster(tmp_path, rows, *, header=HEADER, merges=()):
    return write_xlsx(tmp_path / "roster.xlsx", [*header_rows(header), *rows], merges=merges)


def header_rows(header):
    return header if header and isinstance(header[0], list) else [header]


def rejected_rows(result):
    return sorted({e.row for e in result.errors})


# --- the shared samples ------------------------------------------------------------------


def test_clean_roster_creates_every_member_and_a_second_import_changes_nothing(soc_trang):
    first = run_import(kind="members", source=sample("roster-clean.xlsx"))
    assert (first.rows, first.created, first.rejected, first.written) == (200, 200, 0, True)
    assert Member.objects.count() == 200
    assert Membership.objects.filter(end__isnull=True).count() == 200
    audits = AuditEntry.objects.count()

    again = run_import(kind="members", source=sample("roster-clean.xlsx"))
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 200, 0)
    assert not again.written and AuditEntry.objects.count() == audits


def test_clean_roster_stores_what_the_file_says(soc_trang):
    run_import(kind="members", source=sample("roster-clean.xlsx"))
    lan = Member.objects.get(national_id="094192453638")
    assert (lan.full_name, lan.gender, lan.birth_date) == (
        "Phan Kim Lan",
        "female",
        dt.date(1992, 10, 1),
    )
    assert lan.ethnicity == "Kinh" and lan.joined_on == dt.date(2025, 6, 30)
    span = lan.memberships.get()
    assert span.unit.code == "ST-TP-003" and span.start == dt.date(2025, 6, 30)


def test_federation_form_rejects_exactly_the_seven_bad_rows_and_writes_nothing(soc_trang):
    result = run_import(kind="members", source=sample("roster-form.xlsx"))
    assert (result.rows, result.rejected) == (120, 7)
    assert rejected_rows(result) == EXPECTED_FORM_REJECTS
    assert result.header_rows == (7, 8) and not result.written
    assert Member.objects.count() == 0 and Membership.objects.count() == 0
    codes = {(e.row, e.code) for e in result.errors}
    assert {
        (20, "name_required"),
        (30, "cccd_format"),
        (40, "date_in_future"),
        (50, "date_before_birth"),
        (60, "unknown_unit"),
        (68, "duplicate_national_id"),
        (80, "invalid_date"),
    } <= codes


def test_federation_form_with_skip_invalid_creates_the_113_good_rows(soc_trang):
    result = run_import(kind="members", source=sample("roster-form.xlsx"), skip_invalid=True)
    assert (result.created, result.rejected, result.written) == (113, 7, True)
    assert Member.objects.count() == 113
    # Row 13: a year alone; row 90: an ID typed as a number that lost its leading zero.
    year_only = Member.objects.get(national_id="094186210040")
    assert (year_only.birth_date, year_only.birth_year) == (None, 1986)
    assert Member.objects.filter(national_id="094177764413").exists()
    # Names came decomposed with trailing spaces.
    for name in Member.objects.values_list("full_name", flat=True):
        assert name == unicodedata.normalize("NFC", name).strip()
    # The split gender columns: Nam x / Nữ x.
    assert Member.objects.get(national_id="094094625986").gender == "male"
    assert Member.objects.get(national_id="094186210040").gender == "female"


def test_cp1258_csv_creates_30_members_with_nfc_names(soc_trang):
    result = run_import(kind="members", source=sample("roster-cp1258.csv"))
    assert (result.rows, result.created, result.rejected) == (30, 30, 0)
    phong = Member.objects.get(national_id="094084117182")
    assert phong.full_name == "Võ Minh Phong"
    assert unicodedata.is_normalized("NFC", phong.full_name)
    for name in Member.objects.values_list("full_name", flat=True):
        assert unicodedata.is_normalized("NFC", name)


def test_dry_run_counts_but_writes_nothing(soc_trang):
    result = run_import(kind="members", source=sample("roster-clean.xlsx"), dry_run=True)
    assert (result.created, result.written, result.dry_run) == (200, False, True)
    assert (
        Member.objects.count() == 0
        and AuditEntry.objects.filter(object_type__icontains="member").count() == 0
    )


def test_command_json_summary_and_exit_status(soc_trang):
    status, out, _err = run("members", str(sample("roster-form.xlsx")), "--json", "--skip-invalid")
    assert status == 1
    data = json.loads(out)
    assert data["kind"] == "members" and data["rows"] == 120
    assert (data["created"], data["rejected"], data["written"]) == (113, 7, True)
    assert sorted({e["row"] for e in data["errors"]}) == EXPECTED_FORM_REJECTS
    assert {"row", "column", "code", "message"} <= data["errors"][0].keys()


# --- matching and updating ---------------------------------------------------------------


def test_a_changed_detail_is_updated_through_the_services_and_audited(tmp_path, org):
    member = make_member(
        unit=org.grassroots_a1,
        full_name="Nguyễn Văn An",
        national_id="079090123456",
        on=dt.date(2015, 3, 1),
        joined_on=dt.date(2015, 3, 1),
    )
    path = roster(tmp_path, [[*AN, "Khmer"]], header=[*HEADER, "Dân tộc"])
    result = run_import(kind="members", source=path)
    assert (result.updated, result.created, result.written) == (1, 0, True)
    member.refresh_from_db()
    assert member.ethnicity == "Khmer"
    entry = AuditEntry.objects.filter(action="update", object_id=str(member.pk)).latest("at")
    assert entry.after["ethnicity"] == "Khmer" and "roster.xlsx" in entry.reason


def test_a_member_without_national_id_is_matched_by_card_number(tmp_path, org):
    member = make_member(
        unit=org.grassroots_a1,
        full_name="Lê Văn Cũ",
        card_number="CD-0001",
        on=dt.date(2015, 3, 1),
        joined_on=dt.date(2015, 3, 1),
    )
    header = ["Họ tên", "Ngày sinh", "Giới tính", "Số thẻ đoàn viên", "Ngày vào CĐ", "Mã CĐCS"]
    row = ["Lê Văn Mới", "17/05/1990", "Nam", "CD-0001", "01/03/2015", "DA-1"]
    result = run_import(kind="members", source=roster(tmp_path, [row], header=header))
    assert (result.updated, result.created) == (1, 0)
    member.refresh_from_db()
    assert member.full_name == "Lê Văn Mới" and Member.objects.count() == 1


def test_a_member_without_ids_is_matched_by_name_birth_and_union(tmp_path, org):
    make_member(
        unit=org.grassroots_a1,
        full_name="Phạm Thị Hoa",
        gender="female",
        joined_on=dt.date(2015, 1, 1),
    )
    header = ["Họ và tên", "Ngày sinh", "Nam/Nữ", "Ngày kết nạp", "Mã đơn vị"]
    row = ["Phạm Thị Hoa", "17/05/1990", "nữ", "01/01/2015", "DA-1"]
    result = run_import(kind="members", source=roster(tmp_path, [row], header=header))
    assert (result.unchanged, result.created) == (1, 0)
    other_union = run_import(
        kind="members", source=roster(tmp_path, [[*row[:4], "DA-2"]], header=header)
    )
    assert other_union.created == 1


def test_a_member_of_another_union_is_not_moved_by_an_import(tmp_path, org):
    make_member(unit=org.grassroots_a2, full_name="Nguyễn Văn An", national_id="079090123456")
    result = run_import(kind="members", source=roster(tmp_path, [AN]))
    assert [e.code for e in result.errors] == ["in_other_unit"]


def test_duplicate_national_id_in_the_database_is_refused_on_a_new_row_of_another_person(
    tmp_path, org
):
    result = run_import(kind="members", source=roster(tmp_path, [AN, [*AN[:3], AN[3], *AN[4:]]]))
    assert rejected_rows(result) == [3]
    assert result.errors[0].code == "duplicate_national_id"


# --- scope -------------------------------------------------------------------------------


def test_a_user_outside_the_unit_is_refused(tmp_path, org):
    users = Users(org)
    path = str(roster(tmp_path, [AN, BINH]))
    status, out, _err = run("members", path, "--user", users.district_b_manager.username, "--json")
    assert status == 1
    data = json.loads(out)
    assert data["rejected"] == 2 and {e["code"] for e in data["errors"]} == {"outside_scope"}
    assert Member.objects.count() == 0
    status, _out, _err = run("members", path, "--user", users.district_manager.username)
    assert status == 0 and Member.objects.count() == 2


# --- the shapes of files clerks send -----------------------------------------------------


def test_one_gender_column_accepts_nam_nu_in_any_case_and_without_accents(tmp_path, org):
    header = ["Họ tên", "Ngày sinh", "Giới tính", "CCCD", "Ngày vào CĐ", "Mã CĐCS"]
    rows = [
        [*AN[:2], "nam", *AN[3:]],
        [*BINH[:2], "nu", *BINH[3:]],
        ["Lý Thị Cúc", "03/04/1991", "Khác", "", "01/01/2016", "DA-1"],
    ]
    result = run_import(
        kind="members", source=roster(tmp_path, rows, header=header), skip_invalid=True
    )
    assert result.created == 2
    assert [(e.row, e.code) for e in result.errors] == [(4, "unknown_gender")]
    assert Member.objects.get(full_name="Trần Thị Bình").gender == "female"


def test_two_gender_columns_marked_with_x_under_a_merged_header(tmp_path, org):
    top = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "",
        "Số định danh cá nhân",
        "Ngày kết nạp",
        "Mã CĐCS",
    ]
    sub = ["", "", "", "Nam", "Nữ", "", "", ""]
    numbers = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]
    rows = [
        [1, AN[0], AN[1], "x", "", AN[3], AN[4], "DA-1"],
        [2, BINH[0], BINH[1], "", "X", BINH[3], BINH[4], "DA-1"],
        [3, "Lý Thị Cúc", "03/04/1991", "x", "x", "", "01/01/2016", "DA-1"],
        [4, "Lý Văn Dũng", "03/04/1991", "", "", "", "01/01/2016", "DA-1"],
    ]
    merges = [(0, c, 1, c) for c in (0, 1, 2, 5, 6, 7)] + [(0, 3, 0, 4)]
    path = write_xlsx(tmp_path / "form.xlsx", [top, sub, numbers, *rows], merges=merges)
    result = run_import(kind="members", source=path, skip_invalid=True)
    assert result.header_rows == (1, 2) and result.created == 2
    assert [(e.row, e.code) for e in result.errors] == [(6, "gender_both"), (7, "gender_required")]
    assert Member.objects.get(national_id=AN[3]).gender == "male"
    assert Member.objects.get(national_id=BINH[3]).gender == "female"


def test_unit_option_gives_the_union_of_a_file_without_a_unit_column(tmp_path, org):
    path = str(roster(tmp_path, [AN[:5], BINH[:5]], header=HEADER[:5]))
    status, _out, err = run("members", path)
    assert status == 2 and "--unit" in err
    status, _out, _err = run("members", path, "--unit", "da-1")
    assert status == 0
    assert set(Membership.objects.values_list("unit__code", flat=True)) == {"DA-1"}
    status, _out, err = run("members", path, "--unit", "NOPE")
    assert status == 2 and "NOPE" in err


def test_a_file_without_any_gender_column_is_refused(tmp_path, org):
    header = ["Họ và tên", "Ngày sinh", "Số CCCD", "Ngày vào CĐ", "Mã CĐCS"]
    with pytest.raises(errors.MissingColumns):
        run_import(kind="members", source=roster(tmp_path, [AN[:2] + AN[3:]], header=header))


def test_a_utf8_csv_with_the_short_headers_imports(tmp_path, org):
    data = csv_bytes(
        [["Ho ten", "Ngay sinh", "Gioi tinh", "CMND/CCCD", "Ngay vao CD", "Ma CDCS"], AN],
        encoding="utf-8-sig",
    )
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    result = run_import(kind="members", source=path)
    assert result.created == 1


def test_too_young_to_join_is_refused_with_the_members_rule(tmp_path, org):
    row = ["Trẻ Văn Em", "01/01/2012", "Nam", "", "01/01/2020", "DA-1"]
    result = run_import(kind="members", source=roster(tmp_path, [row]))
    assert [e.code for e in result.errors] == ["too_young"]


def test_new_members_are_audited_with_the_file_as_reason(soc_trang):
    run_import(kind="members", source=sample("roster-cp1258.csv"))
    entry = AuditEntry.objects.get(operation="bulk_load")
    assert entry.after["members"] == 30 and "roster-cp1258.csv" in entry.reason


def test_a_member_who_left_is_not_readmitted_by_an_import(tmp_path, org):
    from congdoan.members import services

    member = make_member(
        unit=org.grassroots_a1, full_name="Nguyễn Văn An", national_id="079090123456"
    )
    services.leave_union(actor=None, member=member, on=dt.date(2020, 1, 1), reason="retired")
    result = run_import(kind="members", source=roster(tmp_path, [AN]))
    assert [e.code for e in result.errors] == ["member_left"]


def test_a_registered_person_never_admitted_is_admitted_by_the_import(tmp_path, org):
    member = make_member(full_name="Nguyễn Văn An", national_id="079090123456")
    result = run_import(kind="members", source=roster(tmp_path, [AN]))
    assert (result.updated, result.created, result.rejected) == (1, 0, 0)
    span = member.memberships.get()
    assert (span.unit, span.start) == (org.grassroots_a1, dt.date(2015, 3, 1))


def test_a_unit_that_holds_no_members_is_refused(tmp_path, org):
    result = run_import(kind="members", source=roster(tmp_path, [[*AN[:5], "DA"]]))
    assert [e.code for e in result.errors] == ["not_grassroots"]
    assert result.errors[0].column == "Mã CĐCS"


def test_unit_option_fills_blank_unit_cells_only(tmp_path, org):
    path = roster(tmp_path, [[*AN[:5], ""], [*BINH[:5], "DA-2"]])
    result = run_import(kind="members", source=path, options={"unit": "DA-1"})
    assert result.created == 2
    units = dict(Membership.objects.values_list("member__full_name", "unit__code"))
    assert units == {AN[0]: "DA-1", BINH[0]: "DA-2"}


def test_a_card_number_of_someone_with_another_national_id_is_refused(tmp_path, org):
    make_member(
        unit=org.grassroots_a1,
        gender="female",
        birth_date=dt.date(1985, 2, 2),
        national_id="079185111111",
        card_number="CD-9",
    )
    header = [*HEADER, "Số thẻ đoàn viên"]
    result = run_import(kind="members", source=roster(tmp_path, [[*AN, "CD-9"]], header=header))
    assert [e.code for e in result.errors] == ["card_other_person"]


def test_a_year_alone_does_not_replace_a_registered_birth_date(tmp_path, org):
    make_member(
        unit=org.grassroots_a1,
        full_name=AN[0],
        national_id=AN[3],
        on=dt.date(2015, 3, 1),
        joined_on=dt.date(2015, 3, 1),
    )
    result = run_import(kind="members", source=roster(tmp_path, [[AN[0], 1990, *AN[2:]]]))
    assert (result.unchanged, result.updated) == (1, 0)
    moved = run_import(kind="members", source=roster(tmp_path, [[AN[0], 1991, *AN[2:]]]))
    assert [e.code for e in moved.errors] == ["cccd_year"]
