"""Plans in the admin: shown to administrators, changed only through the services."""

import datetime as dt

import pytest

from congdoan.plans import target_services
from congdoan.plans.models import Indicator, Plan, Target, Task, TaskGroup
from congdoan.plans.tests.factory import make_indicator, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org, users):
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    client.force_login(users.admin)
    indicator = make_indicator(code="DV")
    plan = make_plan(owner=org.province, indicators=[indicator], code="KH-1")
    target_services.set_target(
        actor=users.admin, plan=plan, indicator=indicator, unit=org.province,
        period=plan.periods.get(label="2022"), value=1200, reason="Nghị quyết 05",
    )  # fmt: skip
    group = TaskGroup.objects.create(plan=plan, number=1, title="Tuyên truyền")
    Task.objects.create(group=group, number=1, title="Hội nghị", due_on=dt.date(2022, 3, 31))
    return client


@pytest.mark.parametrize("model", [Indicator, Plan, Target, TaskGroup, Task])
def test_each_model_is_listed_and_shown_but_not_added_or_changed(admin_client, model):
    name = model._meta.model_name
    assert admin_client.get(f"/admin/plans/{name}/").status_code == 200
    obj = model.objects.first()
    response = admin_client.get(f"/admin/plans/{name}/{obj.pk}/change/")
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert admin_client.get(f"/admin/plans/{name}/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/plans/{name}/{obj.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_targets_page_shows_its_history(admin_client):
    target = Target.objects.get()
    page = admin_client.get(f"/admin/plans/target/{target.pk}/change/").content.decode()
    assert "Nghị quyết 05" in page


def test_a_plans_page_shows_its_periods(admin_client):
    plan = Plan.objects.get()
    page = admin_client.get(f"/admin/plans/plan/{plan.pk}/change/").content.decode()
    assert "2022–2023" in page
