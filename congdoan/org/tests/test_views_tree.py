import datetime as dt

import pytest

from congdoan.core.dates import format_date, today
from congdoan.org import services


@pytest.fixture
def as_tinh(client, users):
    client.force_login(users.province_manager)
    return client


@pytest.fixture
def as_huyen_a(client, users):
    client.force_login(users.district_manager)
    return client


def test_province_manager_sees_the_whole_province_with_districts_open(as_tinh):
    page = as_tinh.get("/units/").content.decode()
    assert "LĐLĐ tỉnh Thử" in page
    assert 'id="node-DA"' in page and 'id="node-DB"' in page
    # The districts' children come by HTMX, not in the first page.
    assert 'id="node-DA-1"' not in page


def test_district_manager_sees_only_their_district(as_huyen_a):
    page = as_huyen_a.get("/units/").content.decode()
    assert 'id="node-DA"' in page
    assert 'id="node-DA-1"' in page  # their district is the top, opened
    assert "LĐLĐ tỉnh Thử" not in page
    assert "DB" not in page and "CĐCS B1" not in page


def test_district_manager_sees_only_their_district_on_any_date(as_huyen_a):
    page = as_huyen_a.get("/units/", {"as_of": "01/01/2001"}).content.decode()
    assert 'id="node-DA"' in page
    assert "CĐCS B1" not in page and "LĐLĐ tỉnh Thử" not in page


def test_children_partial_lists_the_grassroots_unions(as_tinh):
    response = as_tinh.get("/units/tree/children/DA/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="node-DA-1"' in page and 'id="node-DA-2"' in page
    assert "CĐCS A1" in page


def test_children_without_htmx_open_the_tree_focused_on_the_unit(as_tinh):
    response = as_tinh.get("/units/tree/children/DA/", {"as_of": "01/01/2020"})
    assert response.status_code == 302
    assert response["Location"] == "/units/?root=DA&as_of=01%2F01%2F2020"
    page = as_tinh.get(response["Location"]).content.decode()
    assert 'id="node-DA-1"' in page and 'id="node-DB"' not in page


def test_children_of_a_unit_outside_scope_are_404(as_huyen_a):
    response = as_huyen_a.get("/units/tree/children/DB/", headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_focus_outside_scope_is_404(as_huyen_a):
    assert as_huyen_a.get("/units/", {"root": "DB"}).status_code == 404


def test_tree_before_and_after_a_merge_differ(as_tinh, org):
    services.merge_units(
        actor=None, sources=[org.district_b], into=org.district_a, on=dt.date(2025, 7, 1)
    )
    before = as_tinh.get("/units/", {"as_of": "30/06/2025"}).content.decode()
    after = as_tinh.get("/units/", {"as_of": "01/07/2025"}).content.decode()
    assert 'id="node-DB"' in before
    assert 'id="node-DB"' not in after
    kids_before = as_tinh.get(
        "/units/tree/children/DA/", {"as_of": "30/06/2025"}, headers={"HX-Request": "true"}
    ).content.decode()
    kids_after = as_tinh.get(
        "/units/tree/children/DA/", {"as_of": "2025-07-01"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "CĐCS B1" not in kids_before
    assert "CĐCS B1" in kids_after


def test_district_a_sees_the_merged_district_before_the_merge(as_huyen_a, org):
    # DA carries DB's history on, so looking back DA's manager sees DB beside DA.
    services.merge_units(
        actor=None, sources=[org.district_b], into=org.district_a, on=dt.date(2025, 7, 1)
    )
    before = as_huyen_a.get("/units/", {"as_of": "30/06/2025"}).content.decode()
    assert 'id="node-DA"' in before and 'id="node-DB"' in before
    assert "LĐLĐ tỉnh Thử" not in before


def test_invalid_date_shows_a_vietnamese_message_and_today(as_tinh):
    page = as_tinh.get("/units/", {"as_of": "31/02/2025"}).content.decode()
    assert "“31/02/2025” không phải là ngày hợp lệ" in page
    assert f'value="{format_date(today())}"' in page
    assert "banner as-of" not in page


def test_banner_when_the_date_is_not_today(as_tinh):
    assert "banner as-of" in as_tinh.get("/units/", {"as_of": "01/01/2020"}).content.decode()
    assert "banner as-of" not in as_tinh.get("/units/").content.decode()


HTMX = {"HX-Request": "true"}


def test_search_ignores_accents_and_case(as_tinh):
    page = as_tinh.get("/units/search/", {"q": "cdcs b1"}, headers=HTMX).content.decode()
    assert "CĐCS B1" in page and "CĐCS A1" not in page
    assert "<html" not in page


def test_search_without_htmx_shows_the_results_in_the_tree_page(as_tinh):
    response = as_tinh.get("/units/search/", {"q": "Đ B"})
    assert response["Location"] == "/units/?q=%C4%90+B"
    assert "LĐLĐ huyện B" in as_tinh.get(response["Location"]).content.decode()


def test_search_stays_within_scope(as_huyen_a):
    page = as_huyen_a.get("/units/search/", {"q": "b1"}, headers=HTMX).content.decode()
    assert "CĐCS B1" not in page
    page = as_huyen_a.get("/units/", {"q": "huyen"}).content.decode()
    assert "LĐLĐ huyện A" in page and "LĐLĐ huyện B" not in page


def test_the_page_is_vietnamese_by_default_even_for_an_english_browser(as_tinh):
    page = as_tinh.get("/units/", headers={"Accept-Language": "en"}).content.decode()
    assert "Đơn vị" in page and 'lang="vi"' in page


def test_english_after_choosing_it(as_tinh):
    response = as_tinh.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    assert response.status_code == 302
    page = as_tinh.get("/units/").content.decode()
    assert 'lang="en"' in page and "Structure as of" in page
