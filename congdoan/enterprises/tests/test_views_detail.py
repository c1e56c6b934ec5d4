import datetime as dt

import pytest
from django.urls import NoReverseMatch

from congdoan.enterprises import services, views
from congdoan.enterprises.models import Status

pytestmark = pytest.mark.django_db


def url(enterprise) -> str:
    return f"/enterprises/{enterprise.tax_code}/"


def test_the_page_shows_facts_history_chart_and_audit(client, registry, users):
    client.force_login(users.district_manager)
    e1 = registry.e[1]
    services.record_headcount(actor=None, enterprise=e1, as_of=dt.date(2023, 1, 1), workers=1250)
    response = client.get(url(e1))
    assert response.status_code == 200
    page = response.content.decode()
    assert e1.tax_code in page and "LĐLĐ huyện A" in page
    assert "<svg" in page and "01/01/2023" in page and "1.250" in page
    assert 'id="headcount-table"' in page and 'id="status-table"' in page
    assert "CĐCS A1" in page and "01/01/2019" in page
    # Members of its union today against its latest workers: 3 of 1,250.
    assert response.context["facts"].members == 3
    assert response.context["facts"].reach == 0.2
    assert len(response.context["audit_entries"]) == 4


def test_an_enterprise_outside_the_scope_is_not_found(client, registry, users):
    client.force_login(users.district_manager)
    assert client.get(url(registry.e[3])).status_code == 404
    assert client.get("/enterprises/0000000000/").status_code == 404


def test_read_only_roles_see_the_page_without_change_buttons(client, registry, users):
    client.force_login(users.district_viewer)
    response = client.get(url(registry.e[1]))
    assert response.status_code == 200 and not response.context["may_change"]
    assert "/headcount/" not in response.content.decode()


def test_an_operating_enterprise_without_a_union_offers_a_founding_campaign(
    client, registry, users, monkeypatch
):
    client.force_login(users.district_manager)
    monkeypatch.setattr(views, "reverse", lambda name, *a, **k: "/organizing/new/")
    page = client.get(url(registry.e[5])).content.decode()
    assert f'href="/organizing/new/?enterprise={registry.e[5].pk}"' in page
    # Not for one with a union, nor for a dissolved one.
    assert "/organizing/new/" not in client.get(url(registry.e[1])).content.decode()


def test_without_the_organizing_page_the_button_is_left_out(client, registry, users, monkeypatch):
    def missing(name, *args, **kwargs):
        raise NoReverseMatch(name)

    client.force_login(users.district_manager)
    monkeypatch.setattr(views, "reverse", missing)
    response = client.get(url(registry.e[5]))
    assert response.status_code == 200 and response.context["founding_url"] is None


def test_a_dissolved_enterprise_offers_no_status_change(client, registry, users):
    client.force_login(users.province_manager)
    response = client.get(url(registry.e[4]))
    assert response.context["facts"].status.status == Status.DISSOLVED
    assert "/status/" not in response.content.decode()
