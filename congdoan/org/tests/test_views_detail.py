import datetime as dt

from congdoan.org import services


def test_detail_shows_history_events_and_audit(client, users, org):
    services.rename_unit(
        actor=users.province_manager, unit=org.grassroots_a1, name="CĐCS Công ty A1",
        on=dt.date(2024, 5, 1), reason="Quyết định 7/QĐ",
    )
    client.force_login(users.district_manager)
    page = client.get("/units/DA-1/").content.decode()
    assert "CĐCS Công ty A1" in page and "CĐCS A1" in page  # now and before
    assert "01/05/2024" in page and "01/01/2000" in page  # dd/mm/yyyy
    assert "Quyết định 7/QĐ" in page  # why
    assert "tinh" in page  # who
    assert '<a href="/units/DA/">' in page  # parent in scope is a link


def test_parent_outside_scope_is_not_a_link(client, users):
    client.force_login(users.district_manager)
    page = client.get("/units/DA/").content.decode()
    assert "LĐLĐ tỉnh Thử" in page
    assert '<a href="/units/P/">' not in page


def test_ended_unit_shows_its_successor(client, users, org):
    services.merge_units(
        actor=None, sources=[org.grassroots_a2], into=org.grassroots_a1, on=dt.date(2024, 1, 1)
    )
    client.force_login(users.district_manager)
    page = client.get("/units/DA-2/").content.decode()
    assert "status-ended" in page and '<a href="/units/DA-1/">' in page
    assert "/units/DA-2/rename/" not in page  # nothing to reorganise in an ended unit
    assert client.get("/units/DA-2/rename/").status_code == 403


def test_unit_outside_scope_is_404(client, users):
    client.force_login(users.district_manager)
    assert client.get("/units/DB-1/").status_code == 404
    assert client.get("/units/NO-SUCH/").status_code == 404


def test_clerk_sees_their_own_union(client, users):
    client.force_login(users.clerk)
    assert client.get("/units/DA-1/").status_code == 200
    assert client.get("/units/DA-2/").status_code == 404
