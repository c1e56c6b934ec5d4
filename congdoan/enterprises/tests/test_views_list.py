import pytest

from congdoan.enterprises import selectors
from congdoan.enterprises.models import Ownership, Status
from congdoan.enterprises.tests.factory import make_enterprise

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    rows = response.context["rows"] or []
    return [e.name for e in rows]


def test_the_list_shows_only_enterprises_of_the_users_scope(client, registry, users):
    client.force_login(users.district_manager)
    response = client.get("/enterprises/")
    assert response.status_code == 200
    assert names(response) == ["E1", "E2", "E5", "E7"]
    page = response.content.decode()
    assert "E3" not in names(response) and "LĐLĐ huyện B" not in page
    client.force_login(users.province_manager)
    assert len(names(client.get("/enterprises/"))) == 8


def test_the_list_shows_the_latest_figure_status_and_union(client, registry, users):
    client.force_login(users.province_manager)
    rows = {e.name: e for e in client.get("/enterprises/").context["rows"]}
    assert (rows["E3"].latest_workers, rows["E3"].latest_as_of.isoformat()) == (35, "2022-01-01")
    assert rows["E4"].status_now == Status.DISSOLVED
    assert (rows["E1"].union_code, rows["E3"].union_code) == ("DA-1", None)
    page = client.get("/enterprises/").content.decode()
    assert "01/01/2022" in page and "CĐCS A1" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"unit": "db"}, ["E3", "E4", "E6", "E8"]),
        ({"status": Status.DISSOLVED}, ["E4"]),
        ({"union": "yes"}, ["E1", "E2", "E6"]),
        ({"union": "no", "unit": "DA"}, ["E5", "E7"]),
        ({"min_workers": "45"}, ["E1", "E2", "E4", "E5"]),
        ({"ownership": Ownership.FOREIGN}, []),
    ],
)
def test_filters(client, registry, users, query, expected):
    client.force_login(users.province_manager)
    assert names(client.get("/enterprises/", query)) == expected


def test_search_ignores_accents_case_and_word_order(client, org, users):
    make_enterprise(area_unit=org.district_a, name="Công ty TNHH Xây dựng Hoàng Long")
    make_enterprise(area_unit=org.district_a, name="Công ty Cổ phần Long Hòa")
    client.force_login(users.district_manager)
    for text in ("cong ty hoang long", "LONG HOANG", "Hoàng Lo"):
        assert names(client.get("/enterprises/", {"q": text})) == [
            "Công ty TNHH Xây dựng Hoàng Long"
        ], text
    # Word starts only: "oang" is inside a word, not at its start.
    assert names(client.get("/enterprises/", {"q": "oang"})) == []


def test_search_by_tax_code_or_its_first_digits(client, registry, users):
    client.force_login(users.province_manager)
    e1 = registry.e[1]
    spaced = f"{e1.tax_code[:4]} {e1.tax_code[4:]}"
    assert names(client.get("/enterprises/", {"q": spaced})) == ["E1"]
    assert "E1" in names(client.get("/enterprises/", {"q": e1.tax_code[:6]}))


def test_a_unit_outside_the_scope_is_a_clear_error_and_lists_nothing(client, registry, users):
    client.force_login(users.district_manager)
    response = client.get("/enterprises/", {"unit": "DB", "min_workers": "-1"})
    assert response.context["rows"] is None
    page = response.content.decode()
    assert "DB" in page and 'role="alert"' in page


def test_htmx_requests_get_only_the_results(client, registry, users):
    client.force_login(users.district_manager)
    response = client.get("/enterprises/", {"q": "E1"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.strip().startswith('<div id="enterprise-results"') and "<html" not in page


def test_pages_follow_one_another_without_offset(client, org, users, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    for i in range(7):
        make_enterprise(area_unit=org.district_a, name=f"Công ty {i}")
    client.force_login(users.district_manager)
    seen, after = [], ""
    while True:
        response = client.get("/enterprises/", {"after": after} if after else {})
        seen += names(response)
        after = response.context["next_key"]
        if not after:
            break
    assert seen == [f"Công ty {i}" for i in range(7)]
