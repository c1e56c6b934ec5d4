import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from congdoan.accounts.scope import scope_for
from congdoan.core.audit import history
from congdoan.core.models import AuditEntry
from congdoan.enterprises import services
from congdoan.enterprises.models import (
    Enterprise,
    Headcount,
    Ownership,
    Status,
    StatusPeriod,
    UnionLink,
)
from congdoan.enterprises.tests.factory import make_enterprise, valid_tax_code
from congdoan.org import services as org_services
from congdoan.testing import make_unit

pytestmark = pytest.mark.django_db
D = dt.date


def state():
    return tuple(
        model.objects.count()
        for model in (Enterprise, Headcount, StatusPeriod, UnionLink, AuditEntry)
    )


def refused(code, call, **kwargs):
    """`call` raises a ValidationError with `code` and leaves every table as it was."""
    before = state()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    assert state() == before
    return caught.value


def register(org, **fields):
    return services.register_enterprise(
        **{
            "actor": None,
            "tax_code": valid_tax_code(),
            "name": "Công ty TNHH Thủy sản Sao Mai",
            "area_unit": org.district_a,
            "since": D(2020, 1, 1),
            **fields,
        }
    )


def test_register_cleans_and_audits(org, users):
    enterprise = register(
        org,
        actor=users.district_manager,
        tax_code="22 000 000 18",
        name="  Công ty  TNHH Thủy sản  Sao Mai ",
        ownership=Ownership.FOREIGN,
        scope=scope_for(users.district_manager),
    )
    assert enterprise.tax_code == "2200000018"
    assert enterprise.name == "Công ty TNHH Thủy sản Sao Mai"
    assert enterprise.search_key == "2200000018 cong ty tnhh thuy san sao mai"
    period = enterprise.status_periods.get()
    assert (period.status, period.valid_from, period.valid_to) == (
        Status.OPERATING,
        D(2020, 1, 1),
        None,
    )
    entry = history(enterprise).get()
    assert entry.actor == users.district_manager and entry.after["status"] == "operating"


def test_bad_tax_code_is_refused_and_changes_nothing(org):
    refused("tax_code_format", register, org=org, tax_code="22000")
    refused("tax_code_check_digit", register, org=org, tax_code="2200000019")


def test_duplicate_tax_code_is_refused(org):
    register(org, tax_code="2200000018")
    refused("tax_code_taken", register, org=org, tax_code="2200000018")


def test_area_outside_scope_is_refused(org, users):
    scope = scope_for(users.district_b_manager)
    refused("outside_scope", register, org=org, scope=scope)
    refused("outside_scope", register, org=org, scope=scope_for(users.district_viewer))


def test_area_must_be_an_upper_level_unit(org):
    refused("area_not_upper_level", register, org=org, area_unit=org.grassroots_a1)


def test_name_is_required(org):
    refused("name_required", register, org=org, name="   ")


def test_headcounts_keep_history_and_a_repeat_changes_nothing(org):
    enterprise = make_enterprise(area_unit=org.district_a, workers=30, on=D(2022, 1, 1))
    services.record_headcount(actor=None, enterprise=enterprise, as_of=D(2023, 1, 1), workers=42)
    before = state()
    services.record_headcount(actor=None, enterprise=enterprise, as_of=D(2023, 1, 1), workers=42)
    assert state() == before
    services.record_headcount(actor=None, enterprise=enterprise, as_of=D(2023, 1, 1), workers=41)
    figures = list(enterprise.headcounts.order_by("as_of").values_list("as_of", "workers"))
    assert figures == [(D(2022, 1, 1), 30), (D(2023, 1, 1), 41)]
    correction = history(enterprise).first()
    assert correction.before == {"as_of": "2023-01-01", "workers": 42}


def test_negative_headcount_is_refused_by_the_service_and_the_database(org):
    enterprise = make_enterprise(area_unit=org.district_a)
    refused(
        "workers_negative",
        services.record_headcount,
        actor=None,
        enterprise=enterprise,
        as_of=D(2023, 1, 1),
        workers=-5,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.create(enterprise=enterprise, as_of=D(2023, 1, 1), workers=-5)


def test_headcount_of_an_enterprise_outside_scope_is_refused(org, users):
    enterprise = make_enterprise(area_unit=org.district_b)
    refused(
        "outside_scope",
        services.record_headcount,
        actor=users.district_manager,
        enterprise=enterprise,
        as_of=D(2023, 1, 1),
        workers=50,
        scope=scope_for(users.district_manager),
    )


def test_future_dates_are_refused(org):
    enterprise = make_enterprise(area_unit=org.district_a)
    refused(
        "date_in_future",
        services.record_headcount,
        actor=None,
        enterprise=enterprise,
        as_of=dt.date.today() + dt.timedelta(days=2),
        workers=5,
    )


def test_status_changes_are_dated_and_dissolution_is_final(org):
    enterprise = make_enterprise(area_unit=org.district_a, on=D(2020, 1, 1))
    change = {"actor": None, "enterprise": enterprise}
    services.change_status(**change, status=Status.SUSPENDED, on=D(2021, 3, 1))
    refused(
        "status_unchanged",
        services.change_status,
        **change,
        status=Status.SUSPENDED,
        on=D(2021, 5, 1),
    )
    refused(
        "status_date_before_last",
        services.change_status,
        **change,
        status=Status.OPERATING,
        on=D(2021, 3, 1),
    )
    services.change_status(**change, status=Status.DISSOLVED, on=D(2022, 1, 1))
    refused(
        "dissolved_final",
        services.change_status,
        **change,
        status=Status.OPERATING,
        on=D(2023, 1, 1),
    )
    periods = list(enterprise.status_periods.values_list("status", "valid_from", "valid_to"))
    assert periods == [
        ("operating", D(2020, 1, 1), D(2021, 3, 1)),
        ("suspended", D(2021, 3, 1), D(2022, 1, 1)),
        ("dissolved", D(2022, 1, 1), None),
    ]


def test_update_audits_the_change_and_refuses_an_area_outside_scope(org, users):
    enterprise = make_enterprise(area_unit=org.district_a)
    scope = scope_for(users.district_manager)
    services.update_enterprise(
        actor=users.district_manager, enterprise=enterprise, scope=scope, name="Công ty Mới"
    )
    entry = history(enterprise).first()
    assert entry.before["name"] != entry.after["name"] == "Công ty Mới"
    refused(
        "outside_scope",
        services.update_enterprise,
        actor=users.district_manager,
        enterprise=enterprise,
        scope=scope,
        area_unit=org.district_b,
    )


def test_link_union_rules(org):
    enterprise = make_enterprise(area_unit=org.district_a, on=D(2020, 1, 1))
    link = {"actor": None, "enterprise": enterprise}
    refused(
        "not_member_holding", services.link_union, **link, union=org.district_a, on=D(2021, 1, 1)
    )
    later = make_unit(code="DA-9", parent=org.district_a, on=D(2022, 3, 1))
    refused("union_not_there", services.link_union, **link, union=later, on=D(2021, 1, 1))
    services.link_union(**link, union=org.grassroots_a1, on=D(2021, 1, 1))
    refused("union_already", services.link_union, **link, union=later, on=D(2022, 6, 1))
    refused("union_same", services.link_union, **link, union=org.grassroots_a1, on=D(2022, 6, 1))
    refused("unlink_before_start", services.unlink_union, **link, on=D(2021, 1, 1))
    services.unlink_union(**link, on=D(2022, 6, 1))
    refused("union_later_link", services.link_union, **link, union=later, on=D(2022, 5, 1))
    services.link_union(**link, union=later, on=D(2022, 6, 1))
    spans = list(enterprise.union_links.values_list("union__code", "valid_from", "valid_to"))
    assert spans == [("DA-1", D(2021, 1, 1), D(2022, 6, 1)), ("DA-9", D(2022, 6, 1), None)]


def test_a_union_linked_after_it_ended_covers_only_until_its_end(org):
    enterprise = make_enterprise(area_unit=org.district_b, on=D(2020, 1, 1))
    org_services.dissolve_unit(actor=None, unit=org.grassroots_b2, on=D(2023, 1, 1))
    link = services.link_union(
        actor=None, enterprise=enterprise, union=org.grassroots_b2, on=D(2021, 1, 1)
    )
    assert link.valid_to == D(2023, 1, 1)


def test_a_dissolved_enterprise_gets_no_union(org):
    enterprise = make_enterprise(area_unit=org.district_a, on=D(2020, 1, 1))
    services.change_status(
        actor=None, enterprise=enterprise, status=Status.DISSOLVED, on=D(2021, 1, 1)
    )
    refused(
        "enterprise_dissolved",
        services.link_union,
        actor=None,
        enterprise=enterprise,
        union=org.grassroots_a1,
        on=D(2022, 1, 1),
    )


def test_union_outside_scope_is_refused(org, users):
    enterprise = make_enterprise(area_unit=org.district_a)
    refused(
        "union_outside_scope",
        services.link_union,
        actor=users.district_manager,
        enterprise=enterprise,
        union=org.grassroots_b1,
        on=D(2021, 1, 1),
        scope=scope_for(users.district_manager),
    )


def test_links_follow_a_merged_union_and_end_with_a_dissolved_one(org):
    merged = make_enterprise(area_unit=org.district_a, on=D(2020, 1, 1))
    ended = make_enterprise(area_unit=org.district_b, on=D(2020, 1, 1))
    services.link_union(actor=None, enterprise=merged, union=org.grassroots_a2, on=D(2020, 1, 1))
    services.link_union(actor=None, enterprise=ended, union=org.grassroots_b1, on=D(2020, 1, 1))
    org_services.merge_units(
        actor=None, sources=[org.grassroots_a2], into=org.grassroots_a1, on=D(2023, 1, 1)
    )
    org_services.dissolve_unit(actor=None, unit=org.grassroots_b1, on=D(2023, 1, 1))
    assert list(merged.union_links.values_list("union__code", "valid_from", "valid_to")) == [
        ("DA-2", D(2020, 1, 1), D(2023, 1, 1)),
        ("DA-1", D(2023, 1, 1), None),
    ]
    assert list(ended.union_links.values_list("valid_to", flat=True)) == [D(2023, 1, 1)]
    assert history(ended).filter(operation="union_reorganised").count() == 1
