import datetime as dt

import pytest

from congdoan.core.audit import history
from congdoan.core.models import AuditEntry
from congdoan.enterprises.forms import STALE, enterprise_token
from congdoan.enterprises.models import (
    Enterprise,
    Headcount,
    Ownership,
    Status,
    StatusPeriod,
    UnionLink,
)
from congdoan.enterprises.tests.factory import valid_tax_code
from congdoan.testing import make_unit

pytestmark = pytest.mark.django_db
D = dt.date


def state():
    return tuple(
        list(model.objects.order_by("pk").values_list())
        for model in (Enterprise, Headcount, StatusPeriod, UnionLink)
    ) + (AuditEntry.objects.count(),)


def submit(client, path, data, *, enterprise=None, htmx=False):
    if enterprise is not None:
        data = {"version": enterprise_token(enterprise), **data}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(path, data, headers=headers)


def refused(client, path, data, *, field, enterprise=None, text=""):
    """The form comes back with an error on `field` (None: above the form); nothing changes."""
    before = state()
    response = submit(client, path, data, enterprise=enterprise)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (field or "__all__") in errors, errors
    if text:
        assert text in " ".join(errors[field or "__all__"])
    assert state() == before
    return response


REGISTER = {
    "name": "Công ty TNHH Thủy sản Sao Mai",
    "area": "DA",
    "ownership": Ownership.FOREIGN,
    "industry": "Chế biến thủy sản",
    "address": "Ấp 3, xã Đại Ngãi",
    "on": "15/03/2020",
    "workers": "240",
}


def test_register_an_enterprise_with_its_workers(client, org, users):
    client.force_login(users.district_manager)
    tax_code = valid_tax_code()
    response = submit(client, "/enterprises/new/", {**REGISTER, "tax_code": tax_code})
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{tax_code}/"
    enterprise = Enterprise.objects.get(tax_code=tax_code)
    assert (enterprise.area_unit, enterprise.ownership) == (org.district_a, Ownership.FOREIGN)
    assert enterprise.status_periods.get().valid_from == D(2020, 3, 15)
    assert enterprise.headcounts.get().workers == 240
    assert history(enterprise).count() == 2
    assert history(enterprise).last().actor == users.district_manager


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tax_code": "2200000019"}, "tax_code"),  # wrong check digit
        ({"tax_code": "22000"}, "tax_code"),
        ({"area": "DB"}, "area"),  # outside the scope
        ({"area": "DA-1"}, "area"),  # a grassroots union holds no enterprises
        ({"on": "31/02/2020"}, "on"),
        ({"workers": "-3"}, "workers"),
        ({"name": " "}, "name"),
    ],
)
def test_register_refuses_bad_input_and_changes_nothing(client, org, users, changes, field):
    client.force_login(users.district_manager)
    refused(
        client,
        "/enterprises/new/",
        {**REGISTER, "tax_code": valid_tax_code(), **changes},
        field=field,
    )


def test_a_taken_tax_code_is_refused(client, registry, users):
    client.force_login(users.district_manager)
    data = {**REGISTER, "tax_code": registry.e[1].tax_code}
    refused(client, "/enterprises/new/", data, field="tax_code", text="E1")


def test_read_only_roles_may_not_register(client, org, users):
    for user in (users.district_viewer, users.district_approver, users.clerk):
        client.force_login(user)
        before = state()
        data = {**REGISTER, "tax_code": valid_tax_code()}
        assert client.post("/enterprises/new/", data).status_code == 403
        assert state() == before


def test_edit_the_details(client, registry, users):
    client.force_login(users.district_manager)
    e1 = registry.e[1]
    response = submit(
        client,
        f"/enterprises/{e1.tax_code}/edit/",
        {
            "name": "E1 mới",
            "area": "DA",
            "ownership": Ownership.STATE,
            "industry": "May mặc",
            "address": "",
            "reason": "đổi tên",
        },
        enterprise=e1,
        htmx=True,
    )
    assert response.status_code == 200 and response["HX-Redirect"] == f"/enterprises/{e1.tax_code}/"
    e1.refresh_from_db()
    assert (e1.name, e1.ownership, e1.search_key) == (
        "E1 mới",
        Ownership.STATE,
        f"{e1.tax_code} e1 moi",
    )
    assert history(e1).first().reason == "đổi tên"


def test_edit_refuses_an_area_outside_the_scope(client, registry, users):
    client.force_login(users.district_manager)
    e1 = registry.e[1]
    data = {"name": "E1", "area": "DB", "ownership": Ownership.NON_STATE}
    refused(client, f"/enterprises/{e1.tax_code}/edit/", data, field="area", enterprise=e1)


def test_record_a_headcount(client, registry, users):
    client.force_login(users.district_manager)
    e1 = registry.e[1]
    response = submit(
        client,
        f"/enterprises/{e1.tax_code}/headcount/",
        {
            "workers": "1.250",
            "on": "01/06/2024",
            "source": "BHXH",
        },
        enterprise=e1,
    )
    assert response.status_code == 200  # "1.250" is not a whole number: asked again
    response = submit(
        client,
        f"/enterprises/{e1.tax_code}/headcount/",
        {
            "workers": "1250",
            "on": "01/06/2024",
            "source": "BHXH",
        },
        enterprise=e1,
    )
    assert response.status_code == 302
    assert e1.headcounts.get(as_of=D(2024, 6, 1)).workers == 1250


def test_a_negative_headcount_is_refused_with_the_services_message(client, registry, users):
    client.force_login(users.district_manager)
    e1 = registry.e[1]
    data = {"workers": "-5", "on": "01/06/2024"}
    refused(
        client,
        f"/enterprises/{e1.tax_code}/headcount/",
        data,
        field="workers",
        enterprise=e1,
        text="-5",
    )


def test_a_stale_form_is_refused(client, registry, users):
    client.force_login(users.district_manager)
    e1 = registry.e[1]
    old = enterprise_token(e1)
    submit(
        client,
        f"/enterprises/{e1.tax_code}/headcount/",
        {"workers": "130", "on": "01/06/2024"},
        enterprise=e1,
    )
    data = {"version": old, "workers": "140", "on": "02/06/2024"}
    refused(
        client,
        f"/enterprises/{e1.tax_code}/headcount/",
        data,
        field=None,
        text=str(STALE),
    )


def test_change_the_status(client, registry, users):
    client.force_login(users.district_manager)
    e5 = registry.e[5]
    response = submit(
        client,
        f"/enterprises/{e5.tax_code}/status/",
        {
            "status": Status.SUSPENDED,
            "on": "01/02/2024",
            "note": "thông báo thuế",
        },
        enterprise=e5,
    )
    assert response.status_code == 302
    assert e5.status_periods.get(valid_to=None).status == Status.SUSPENDED


def test_a_status_dated_before_the_last_change_is_refused(client, registry, users):
    client.force_login(users.district_manager)
    e5 = registry.e[5]
    data = {"status": Status.SUSPENDED, "on": "01/06/2021"}
    refused(client, f"/enterprises/{e5.tax_code}/status/", data, field="on", enterprise=e5)


def test_link_and_unlink_a_union(client, registry, users):
    client.force_login(users.district_manager)
    e5 = registry.e[5]
    response = submit(
        client,
        f"/enterprises/{e5.tax_code}/union/",
        {"union": "da-2", "on": "01/03/2024"},
        enterprise=e5,
    )
    assert response.status_code == 302
    assert e5.union_links.get().union == registry.grassroots_a2
    response = submit(
        client,
        f"/enterprises/{e5.tax_code}/union/end/",
        {"on": "01/05/2024", "reason": "CĐCS giải thể"},
        enterprise=e5,
    )
    assert response.status_code == 302
    assert e5.union_links.get().valid_to == D(2024, 5, 1)


def test_a_union_outside_the_scope_is_refused(client, registry, users):
    client.force_login(users.district_manager)
    e5 = registry.e[5]
    data = {"union": "DB-1", "on": "01/03/2024"}
    refused(
        client,
        f"/enterprises/{e5.tax_code}/union/",
        data,
        field="union",
        enterprise=e5,
        text="DB-1",
    )


def test_a_union_unit_that_is_not_a_grassroots_union_is_refused(client, registry, users):
    client.force_login(users.province_manager)
    e5 = registry.e[5]
    data = {"union": "DA", "on": "01/03/2024"}
    refused(client, f"/enterprises/{e5.tax_code}/union/", data, field="union", enterprise=e5)


def test_ending_a_link_where_there_is_none_is_refused(client, registry, users):
    client.force_login(users.district_manager)
    e5 = registry.e[5]
    refused(
        client,
        f"/enterprises/{e5.tax_code}/union/end/",
        {"on": "01/03/2024"},
        field=None,
        enterprise=e5,
    )


@pytest.mark.parametrize("action", ["edit", "headcount", "status", "union", "union/end"])
def test_read_only_roles_and_clerks_may_not_change(client, registry, users, action):
    e1 = registry.e[1]
    for user in (users.district_viewer, users.district_approver, users.clerk):
        client.force_login(user)
        before = state()
        data = {
            "version": enterprise_token(e1),
            "workers": "9",
            "on": "01/03/2024",
            "status": Status.SUSPENDED,
            "union": "DA-2",
            "name": "X",
            "area": "DA",
            "ownership": Ownership.STATE,
        }
        response = client.post(f"/enterprises/{e1.tax_code}/{action}/", data)
        # The clerk's scope is their grassroots union: the district's enterprises are not in it.
        assert response.status_code == (404 if user == users.clerk else 403), (user, action)
        assert state() == before


def test_a_manager_may_not_change_an_enterprise_of_another_district(client, registry, users):
    client.force_login(users.district_manager)
    e3 = registry.e[3]
    before = state()
    data = {"version": enterprise_token(e3), "workers": "9", "on": "01/03/2024"}
    assert client.post(f"/enterprises/{e3.tax_code}/headcount/", data).status_code == 404
    assert state() == before


def test_forms_need_the_csrf_token(registry, users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users.district_manager)
    e1 = registry.e[1]
    before = state()
    data = {"version": enterprise_token(e1), "workers": "9", "on": "01/03/2024"}
    assert client.post(f"/enterprises/{e1.tax_code}/headcount/", data).status_code == 403
    assert state() == before


def test_the_union_of_a_newly_founded_unit_can_be_linked(client, registry, users):
    union = make_unit(code="DA-9", parent=registry.district_a, on=D(2024, 1, 10))
    client.force_login(users.district_manager)
    e7 = registry.e[7]
    response = submit(
        client,
        f"/enterprises/{e7.tax_code}/union/",
        {"union": "DA-9", "on": "09/01/2024"},
        enterprise=e7,
    )
    assert "DA-9" in " ".join(response.context["form"].errors["union"])
    response = submit(
        client,
        f"/enterprises/{e7.tax_code}/union/",
        {"union": "DA-9", "on": "10/01/2024"},
        enterprise=e7,
    )
    assert response.status_code == 302 and e7.union_links.get().union == union
