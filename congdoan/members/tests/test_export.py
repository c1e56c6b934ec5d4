import datetime as dt
import io
import time

import pytest
from django.utils import translation

from congdoan.core.codes import mask_cccd
from congdoan.core.dates import today
from congdoan.core.models import AuditEntry
from congdoan.imports.readers import read_tables
from congdoan.members import exports, forms, services
from congdoan.members.bulk import PersonHistory, load_member_histories
from congdoan.testing import make_member

D = dt.date
ID_AN = "094090123456"  # male, born 1990 (make_member's default birth date)
ID_BINH = "094185000123"  # female, born 1985
ID_KIA = "094090654321"
HEADER = exports.HEADER_ROW


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def people(org):
    return {
        "an": make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An", national_id=ID_AN),
        "binh": make_member(
            unit=org.grassroots_a2,
            full_name="Trần Thị Bình",
            gender="female",
            birth_date=D(1985, 3, 9),
            national_id=ID_BINH,
            card_number="0077",
        ),  # fmt: skip
        "kia": make_member(unit=org.grassroots_b1, full_name="Lê Văn Bên Kia", national_id=ID_KIA),
    }


def table_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    [table] = read_tables(io.BytesIO(data), name="export.xlsx")
    return table


def rows_of(table):
    return table.rows[HEADER + 1 :]


def column(table, index):
    return [row[index] for row in rows_of(table)]


def test_a_district_file_holds_only_the_district_members(client, users, people):
    client.force_login(users.district_manager)
    table = table_of(client.get("/members/export/"))
    assert sorted(column(table, 1)) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert table.rows[HEADER] == [str(label) for label, _width in exports.COLUMNS]
    assert "LĐLĐ huyện A (DA)" in table.rows[0][0]
    assert column(table, 0) == [1, 2]


def test_a_clerk_file_holds_only_their_union(client, users, people):
    client.force_login(users.clerk)
    assert column(table_of(client.get("/members/export/")), 1) == ["Nguyễn Văn An"]


def test_the_list_filters_are_honoured(client, users, people, org):
    client.force_login(users.province_manager)
    assert len(rows_of(table_of(client.get("/members/export/")))) == 3
    table = table_of(client.get("/members/export/?gender=female"))
    assert column(table, 1) == ["Trần Thị Bình"]
    assert table.rows[1][0].endswith(f"{forms.FilterForm.base_fields['gender'].label}: Nữ")
    table = table_of(client.get("/members/export/?unit=DB"))
    assert column(table, 1) == ["Lê Văn Bên Kia"]
    assert "CĐCS" not in table.rows[0][0] and "LĐLĐ huyện B (DB)" in table.rows[0][0]
    assert column(table_of(client.get("/members/export/?q=nguyen+an")), 1) == ["Nguyễn Văn An"]
    services.leave_union(actor=None, member=people["an"], on=D(2020, 1, 1), reason="retired")
    table = table_of(client.get("/members/export/?status=left"))
    assert column(table, 1) == ["Nguyễn Văn An"]
    assert table.rows[HEADER + 1][10] == D(2020, 1, 1)


def test_cells_are_dates_and_text_that_keeps_its_zeros(client, users, people):
    client.force_login(users.district_manager)
    [_an, binh] = rows_of(table_of(client.get("/members/export/")))
    assert binh[2] == D(1985, 3, 9) and binh[8] == D(2015, 1, 1)  # admitted: joined
    assert binh[5] == "0077"
    assert binh[6:8] == ["DA-2", "CĐCS A2"]
    assert binh[10] == D(2015, 1, 1)


def test_national_ids_are_full_for_those_who_keep_the_records(client, users, people):
    client.force_login(users.district_manager)
    assert column(table_of(client.get("/members/export/")), 4) == [ID_AN, ID_BINH]
    client.force_login(users.admin)
    assert sorted(column(table_of(client.get("/members/export/")), 4)) == sorted(
        [ID_AN, ID_BINH, ID_KIA]
    )


def test_national_ids_are_masked_for_roles_that_may_not_see_them(client, users, people):
    client.force_login(users.district_viewer)
    assert column(table_of(client.get("/members/export/")), 4) == [
        mask_cccd(ID_AN),
        mask_cccd(ID_BINH),
    ]
    # A clerk keeps the records of their own union only: as on the member pages.
    client.force_login(users.clerk)
    assert column(table_of(client.get("/members/export/?unit=DA-1")), 4) == [ID_AN]


def test_each_export_is_audited_with_its_filters_and_count(client, users, people, org):
    client.force_login(users.district_manager)
    before = AuditEntry.objects.count()
    table_of(client.get("/members/export/?gender=male&q="))
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(operation=exports.OPERATION)
    assert entry.actor == users.district_manager
    assert entry.action == AuditEntry.Action.VIEW
    assert (entry.object_type, entry.object_id) == ("org.unit", str(org.district_a.pk))
    assert entry.after == {"filters": {"gender": "male"}, "rows": 1}


def test_an_admin_export_of_everything_is_audited_too(client, users, people):
    client.force_login(users.admin)
    table_of(client.get("/members/export/"))
    entry = AuditEntry.objects.get(operation=exports.OPERATION)
    assert entry.actor == users.admin and entry.after["rows"] == 3


def test_anonymous_users_are_sent_to_sign_in(client, people):
    response = client.get("/members/export/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not AuditEntry.objects.filter(operation=exports.OPERATION).exists()


def test_a_unit_outside_the_scope_is_not_found(client, users, people):
    client.force_login(users.district_manager)
    assert client.get("/members/export/?unit=DB").status_code == 404
    assert client.get("/members/export/?unit=DB-1").status_code == 404
    assert not AuditEntry.objects.filter(operation=exports.OPERATION).exists()


def test_other_bad_filters_go_back_to_the_list_and_its_messages(client, users, people):
    client.force_login(users.district_manager)
    response = client.get("/members/export/?joined=abc")
    assert response.status_code == 302 and response["Location"] == "/members/?joined=abc"


def test_only_get(client, users, people):
    client.force_login(users.district_manager)
    assert client.post("/members/export/").status_code == 405


def test_the_list_offers_the_export_with_its_filters(client, users, people):
    client.force_login(users.district_manager)
    page = client.get("/members/?gender=female&q=tran").content.decode()
    assert 'href="/members/export/?gender=female&amp;q=tran"' in page or (
        'href="/members/export/?q=tran&amp;gender=female"' in page
    )


def test_five_thousand_members_export_quickly(client, users, org, capsys):
    people = [
        PersonHistory(
            {
                "full_name": f"Nguyễn Văn Số {n:05d}",
                "gender": "male",
                "birth_date": D(1990, 1, 1),
                "national_id": f"0940900{n:05d}",
            },
            [
                {
                    "unit": org.grassroots_a1 if n % 2 else org.grassroots_a2,
                    "status": "active",
                    "start": D(2015, 1, 1),
                    "end": None,
                    "start_reason": "admitted",
                    "end_reason": "",
                }
            ],
        )  # fmt: skip
        for n in range(5000)
    ]
    load_member_histories(actor=None, people=people)
    client.force_login(users.district_manager)
    started = time.perf_counter()
    response = client.get("/members/export/")
    data = b"".join(response.streaming_content)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n5,000 members exported in {elapsed:.2f} s ({len(data) // 1024} KiB)")
    [table] = read_tables(io.BytesIO(data), name="export.xlsx")
    assert len(rows_of(table)) == 5000
    assert rows_of(table)[-1][0] == 5000
    assert elapsed < 20
    assert today()  # the title's date is today's
