import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.html import escape

from congdoan.core.dates import today
from congdoan.members import forms, selectors, services
from congdoan.testing import make_member

D = dt.date


def names(response) -> list[str]:
    """The names in the list's table, in order."""
    page = response.content.decode()
    return re.findall(r'<td><a href="/members/\d+/">([^<]+)</a></td>', page)


@pytest.fixture
def people(org):
    return {
        "an": make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An"),
        "an_caps": make_member(unit=org.grassroots_a2, full_name="NGUYỄN VĂN AN"),
        "binh": make_member(
            unit=org.grassroots_a1, full_name="Trần Thị Bình", gender="female",
            birth_date=D(today().year - 50, 1, 1), card_number="CD-77",
        ),
        "b_side": make_member(unit=org.grassroots_b1, full_name="Lê Văn Bên Kia"),
    }


@pytest.fixture
def as_huyen_a(client, users):
    client.force_login(users.district_manager)
    return client


def test_district_a_manager_never_sees_district_b_members(as_huyen_a, people):
    listed = names(as_huyen_a.get("/members/"))
    assert sorted(listed) == sorted(["Nguyễn Văn An", "NGUYỄN VĂN AN", "Trần Thị Bình"])
    assert "Bên Kia" not in as_huyen_a.get("/members/?q=ben+kia").content.decode()


def test_a_clerk_sees_only_their_own_union(client, users, people):
    client.force_login(users.clerk)
    assert sorted(names(client.get("/members/"))) == ["Nguyễn Văn An", "Trần Thị Bình"]


def test_the_province_sees_both_districts(client, users, people):
    client.force_login(users.province_manager)
    assert len(names(client.get("/members/"))) == 4


def test_a_member_who_moved_away_is_listed_where_they_are_now(as_huyen_a, people, org):
    services.transfer_member(
        actor=None, member=people["an"], to_unit=org.grassroots_b1, on=D(2020, 1, 1)
    )
    assert "Nguyễn Văn An" not in names(as_huyen_a.get("/members/"))


@pytest.mark.parametrize("query", ["nguyen van an", "NGUYEN VAN AN", "an nguyen van", "Văn An"])
def test_search_ignores_accents_case_and_word_order(as_huyen_a, people, query):
    assert sorted(names(as_huyen_a.get("/members/", {"q": query}))) == [
        "NGUYỄN VĂN AN", "Nguyễn Văn An"
    ]


def test_search_matches_word_starts_not_the_middle_of_words(as_huyen_a, org):
    make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn Thanh")
    make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn Anh")
    found = names(as_huyen_a.get("/members/", {"q": "nguyen van an"}))
    assert found == ["Nguyễn Văn Anh"]


def test_search_by_national_id_or_card_number(as_huyen_a, people):
    services.update_member(
        actor=None, member=people["an"], national_id="094090123456", birth_date=D(1990, 5, 17)
    )
    assert names(as_huyen_a.get("/members/", {"q": "094 090 123 456"})) == ["Nguyễn Văn An"]
    assert names(as_huyen_a.get("/members/", {"q": "94090123456"})) == ["Nguyễn Văn An"]
    assert names(as_huyen_a.get("/members/", {"q": "77"})) == []  # numbers match whole
    services.update_member(actor=None, member=people["binh"], card_number="12345")
    assert names(as_huyen_a.get("/members/", {"q": "12345"})) == ["Trần Thị Bình"]


def test_the_list_masks_national_ids(as_huyen_a, people):
    services.update_member(
        actor=None, member=people["an"], national_id="094090123456", birth_date=D(1990, 5, 17)
    )
    page = as_huyen_a.get("/members/").content.decode()
    assert "0940•••••456" in page and "094090123456" not in page


def test_filter_by_status(as_huyen_a, people):
    services.suspend_member(actor=None, member=people["an"], on=D(2024, 1, 1))
    services.leave_union(actor=None, member=people["binh"], on=D(2024, 2, 1), reason="retired")
    assert sorted(names(as_huyen_a.get("/members/"))) == ["NGUYỄN VĂN AN", "Nguyễn Văn An"]
    assert names(as_huyen_a.get("/members/?status=active")) == ["NGUYỄN VĂN AN"]
    assert names(as_huyen_a.get("/members/?status=suspended")) == ["Nguyễn Văn An"]
    page = as_huyen_a.get("/members/?status=left")
    assert names(page) == ["Trần Thị Bình"]
    assert "01/02/2024" in page.content.decode()  # since they left


def test_filter_by_gender_joined_year_and_age(as_huyen_a, people, org):
    make_member(unit=org.grassroots_a1, full_name="Lý Văn Mới", on=D(2023, 6, 1),
                birth_date=D(today().year - 20, 1, 1))
    assert names(as_huyen_a.get("/members/?gender=female")) == ["Trần Thị Bình"]
    assert names(as_huyen_a.get("/members/?joined=2023")) == ["Lý Văn Mới"]
    assert names(as_huyen_a.get("/members/?age=under30")) == ["Lý Văn Mới"]
    assert names(as_huyen_a.get("/members/?age=45-60")) == ["Trần Thị Bình"]
    assert names(as_huyen_a.get("/members/?age=60plus")) == []
    assert len(names(as_huyen_a.get("/members/?age=30-45"))) == 2  # born 1990


def test_filter_by_unit_includes_the_units_under_it(as_huyen_a, people):
    assert len(names(as_huyen_a.get("/members/?unit=DA"))) == 3
    assert sorted(names(as_huyen_a.get("/members/?unit=da-1"))) == [
        "Nguyễn Văn An", "Trần Thị Bình"
    ]


def test_a_unit_outside_the_scope_is_an_error_not_a_leak(as_huyen_a, people):
    response = as_huyen_a.get("/members/?unit=DB-1")
    with translation.override("vi"):
        message = str(forms.UNIT_NOT_FOUND) % {"code": "DB-1"}
    assert escape(message) in response.content.decode()
    assert names(response) == [] and "Bên Kia" not in response.content.decode()


def test_keyset_paging_returns_every_member_exactly_once(as_huyen_a, org, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    made = {make_member(unit=org.grassroots_a1, full_name=name).full_name
            for name in ["Lê An", "Lê An", "Lê An", "Lê Bình", "Lê Chi", "Lê Dũng", "Lê Em"]}
    seen, url = [], "/members/?q=le"
    for _page in range(10):
        response = as_huyen_a.get(url)
        seen += names(response)
        found = re.search(r'id="next-page" href="([^"]+)"', response.content.decode())
        if not found:
            break
        url = found[1].replace("&amp;", "&")
        assert "q=le" in url
    assert len(seen) == 7 and set(seen) == made
    assert seen == sorted(seen)


def test_htmx_filters_get_only_the_results(as_huyen_a, people):
    response = as_huyen_a.get("/members/?q=binh", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="member-results"') and "<html" not in page
    assert names(response) == ["Trần Thị Bình"]
    restore = as_huyen_a.get(
        "/members/?q=binh",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_the_filter_form_asks_the_server_through_htmx_and_pushes_the_url(as_huyen_a):
    page = as_huyen_a.get("/members/").content.decode()
    assert 'hx-get="/members/"' in page and 'hx-push-url="true"' in page


def test_the_admit_button_shows_only_to_those_who_keep_records(client, users, people):
    client.force_login(users.district_viewer)
    assert "/members/new/" not in client.get("/members/").content.decode()
    client.force_login(users.clerk)
    assert "/members/new/" in client.get("/members/").content.decode()


def test_the_menu_links_to_the_members(as_huyen_a):
    page = as_huyen_a.get("/members/").content.decode()
    assert '<a href="/members/" aria-current="page">' in page
