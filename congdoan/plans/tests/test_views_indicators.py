"""Indicator pages: the catalogue, one indicator, defining and changing one."""

import pytest
from django.utils.html import escape

from congdoan.accounts.scope import scope_for
from congdoan.core.audit import history
from congdoan.plans import indicator_services
from congdoan.plans.calculators import CALCULATORS
from congdoan.plans.models import Aggregation, Indicator, Source
from congdoan.plans.tests.factory import make_indicator, make_plan

pytestmark = pytest.mark.django_db

NEW = {
    "code": "DV_MOI",
    "name": "Số đoàn viên kết nạp mới",
    "measure": "people",
    "direction": "higher",
    "aggregation": "sum",
    "source": "computed",
    "calculator": "members_joined",
    "reason": "Kế hoạch 12",
}


def edit_data(indicator, **changes):
    data = {
        "name": indicator.name,
        "measure": indicator.measure,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "source": indicator.source,
        "calculator": indicator.calculator,
        "formula": indicator.formula,
        "reason": "",
    }
    return {**data, **changes}


def test_everyone_reads_the_catalogue_and_an_indicator(client, org, users):
    indicator = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    make_plan(owner=org.province, indicators=[indicator], code="KH-1")
    make_plan(owner=org.district_b, indicators=[indicator], code="KH-B")
    client.force_login(users.clerk)
    response = client.get("/plans/indicators/")
    assert response.status_code == 200
    assert escape(str(CALCULATORS["members"].label)) in response.content.decode()
    assert "/plans/indicators/new/" not in response.content.decode()
    response = client.get("/plans/indicators/DV/")
    assert response.status_code == 200
    assert [p.code for p in response.context["plans"]] == ["KH-1"]  # not district B's
    assert not response.context["may_edit"]
    assert client.get("/plans/indicators/NOPE/").status_code == 404


def test_a_manager_defines_an_indicator(client, users):
    client.force_login(users.district_manager)
    assert client.get("/plans/indicators/new/").status_code == 200
    response = client.post("/plans/indicators/new/", NEW)
    assert response.status_code == 302 and response["Location"] == "/plans/indicators/DV_MOI/"
    indicator = Indicator.objects.get(code="DV_MOI")
    assert (indicator.source, indicator.calculator) == (Source.COMPUTED, "members_joined")
    assert history(indicator).get().reason == "Kế hoạch 12"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "1DV"}, "code"),
        ({"code": "DV MOI"}, "code"),
        ({"calculator": ""}, "calculator"),
        ({"source": "formula", "formula": ""}, "formula"),
        ({"source": "formula", "formula": "KHONG_CO + 1"}, "formula"),
        ({"aggregation": "ratio"}, "numerator"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_indicator_is_refused_beside_its_field(client, users, changes, field):
    client.force_login(users.province_manager)
    response = client.post("/plans/indicators/new/", {**NEW, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Indicator.objects.exists()


def test_viewers_define_no_indicator(client, users):
    client.force_login(users.district_viewer)
    assert client.get("/plans/indicators/new/").status_code == 403
    assert client.post("/plans/indicators/new/", NEW).status_code == 403
    assert not Indicator.objects.exists()


def test_an_indicator_is_changed_but_keeps_its_code(client, users):
    indicator = make_indicator(code="DV_NGOAI", name="Đoàn viên ngoài nhà nước")
    client.force_login(users.province_manager)
    assert client.get("/plans/indicators/DV_NGOAI/edit/").status_code == 200
    data = edit_data(
        indicator,
        name="Đoàn viên khu vực ngoài nhà nước",
        code="OTHER",
        source="computed",
        calculator="members_non_state",
        reason="Sửa tên",
    )
    response = client.post("/plans/indicators/DV_NGOAI/edit/", data)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.code == "DV_NGOAI"
    assert (indicator.name, indicator.calculator) == (
        "Đoàn viên khu vực ngoài nhà nước",
        "members_non_state",
    )
    entry = history(indicator).first()
    assert entry.reason == "Sửa tên" and entry.before["source"] == Source.REPORTED


def test_a_ratio_needs_two_other_summed_indicators(client, users):
    joined = make_indicator(code="A")
    workers = make_indicator(code="B")
    ratio = make_indicator(code="R", aggregation=Aggregation.NONE)
    client.force_login(users.admin)
    response = client.post(
        "/plans/indicators/R/edit/",
        edit_data(ratio, aggregation="ratio", numerator=joined.pk, denominator=joined.pk),
    )
    assert "denominator" in response.context["form"].errors
    response = client.post(
        "/plans/indicators/R/edit/",
        edit_data(ratio, aggregation="ratio", numerator=joined.pk, denominator=workers.pk),
    )
    assert response.status_code == 302
    ratio.refresh_from_db()
    assert (ratio.numerator, ratio.denominator) == (joined, workers)


def test_an_indicator_of_a_plan_one_does_not_manage_is_not_changed(client, org, users):
    indicator = make_indicator(code="DV")
    make_plan(owner=org.province, indicators=[indicator], code="KH-1")
    client.force_login(users.district_manager)
    assert client.get("/plans/indicators/DV/edit/").status_code == 403
    response = client.post("/plans/indicators/DV/edit/", edit_data(indicator, name="Khác"))
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.name != "Khác"
    with pytest.raises(Exception, match="mà bạn không quản lý"):
        indicator_services.update_indicator(
            actor=None,
            indicator=indicator,
            name="Khác",
            measure="people",
            source="reported",
            scope=scope_for(users.district_manager),
        )
