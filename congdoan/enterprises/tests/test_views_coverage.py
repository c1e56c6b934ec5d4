import datetime as dt

import pytest

from congdoan.accounts.scope import scope_for
from congdoan.enterprises import selectors
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.org import services as org_services

pytestmark = pytest.mark.django_db
LATE = dt.date(2023, 6, 30)


def figures(c):
    return (c.eligible, c.with_union, c.pct, c.workers_eligible, c.workers_covered)


def test_the_page_agrees_with_the_selector_for_the_unit_and_its_children(client, registry, users):
    client.force_login(users.province_manager)
    response = client.get("/enterprises/coverage/", {"as_of": "30/06/2023"})
    assert response.status_code == 200
    context = response.context
    assert context["unit"] == registry.province
    assert (
        figures(context["total"])
        == figures(selectors.coverage(unit=registry.province, on=LATE))
        == (6, 3, 50.0, 545, 190)
    )
    parts = {p.code: figures(p.coverage) for p in context["parts"]}
    assert parts == {
        "DA": figures(selectors.coverage(unit=registry.district_a, on=LATE)),
        "DB": figures(selectors.coverage(unit=registry.district_b, on=LATE)),
    }
    # Lowest first, so laggards stand out.
    assert [p.code for p in context["parts"]] == ["DB", "DA"]
    page = response.content.decode()
    assert "<svg" in page and "50,0 %" in page and 'aria-labelledby="parts-title' in page
    assert "?unit=DA&amp;as_of=30/06/2023&amp;min_workers=20" in page
    assert [e.name for e in context["uncovered"]] == ["E5", "E3", "E8"]
    assert [r.name for r in context["reach_rows"]] == ["E1", "E2", "E6"]  # most workers first


def test_the_threshold_and_the_unit_are_parameters(client, registry, users):
    client.force_login(users.province_manager)
    response = client.get(
        "/enterprises/coverage/", {"unit": "da", "as_of": "30/06/2023", "min_workers": "50"}
    )
    context = response.context
    assert figures(context["total"]) == figures(
        selectors.coverage(unit=registry.district_a, on=LATE, min_workers=50)
    )
    assert context["parent"].code == "P"


def test_by_default_the_users_unit_today(client, registry, users):
    client.force_login(users.district_manager)
    context = client.get("/enterprises/coverage/").context
    assert context["unit"] == registry.district_a and context["is_today"]
    assert context["min_workers"] == 20
    assert context["parent"] is None  # the province is outside the manager's scope


def test_bad_input_is_shown_and_the_defaults_used(client, registry, users):
    client.force_login(users.district_manager)
    response = client.get(
        "/enterprises/coverage/", {"unit": "DB", "as_of": "31/02/2023", "min_workers": "x"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"unit", "as_of", "min_workers"}
    assert response.context["unit"] == registry.district_a
    assert "LĐLĐ huyện B" not in response.content.decode()


def test_the_scope_limits_every_figure(client, registry, users):
    client.force_login(users.district_manager)
    context = client.get("/enterprises/coverage/", {"as_of": "30/06/2023"}).context
    scope = scope_for(users.district_manager)
    assert figures(context["total"]) == figures(
        selectors.coverage(unit=registry.district_a, on=LATE, scope=scope)
    )
    assert [e.name for e in context["uncovered"]] == ["E5"]


def test_enterprises_of_the_unit_itself_and_of_ended_units_are_counted(registry):
    make_enterprise(area_unit=registry.province, workers=40, on=dt.date(2020, 1, 1))
    reform = dt.date(2025, 7, 1)
    org_services.merge_units(
        actor=None, sources=[registry.district_b], into=registry.district_a, on=reform
    )
    registry.refresh()
    for on in (LATE, reform):
        parts = selectors.coverage_by_child(unit=registry.province, on=on)
        total = selectors.coverage(unit=registry.province, on=on)
        assert sum(p.coverage.eligible for p in parts) == total.eligible
        assert sum(p.coverage.workers_covered for p in parts) == total.workers_covered
        for p in parts:
            if not p.is_self:
                unit = registry.district_a if p.code == "DA" else registry.district_b
                assert figures(p.coverage) == figures(selectors.coverage(unit=unit, on=on))
    after = {
        p.code: p.coverage.eligible
        for p in selectors.coverage_by_child(unit=registry.province, on=reform)
    }
    assert after == {"DA": 6, "P": 1}


def test_the_children_cost_one_grouped_query(registry, django_assert_max_num_queries):
    for i in range(10):
        org_services.create_unit(
            actor=None,
            code=f"DX{i}",
            name=f"Huyện {i}",
            kind="district",
            parent=registry.province,
            on=dt.date(2019, 1, 1),
        )
    selectors.coverage_by_child(unit=registry.province, on=LATE)  # warms the structure cache
    # The org revision, the ended area units, the grouped figures.
    with django_assert_max_num_queries(3):
        parts = selectors.coverage_by_child(unit=registry.province, on=LATE)
    assert len(parts) == 12
