"""The demo's enterprises: the employers of its unions, and those still without one."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from congdoan.core.codes import clean_tax_code
from congdoan.core.models import AuditEntry
from congdoan.demo import data
from congdoan.demo.services import load_demo
from congdoan.enterprises import selectors
from congdoan.enterprises.models import Enterprise, Headcount, Ownership, Status, UnionLink
from congdoan.members.models import Member, Membership
from congdoan.org.kinds import UnitKind
from congdoan.org.models import Unit, UnitVersion

TODAY = dt.date(2026, 1, 31)
END_2023 = dt.date(2023, 12, 31)
SMALL = 40


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            yield load_demo(today=TODAY, size=SMALL)
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_db(demo, db):
    pass


def test_every_enterprise_union_has_its_enterprise_named_as_its_members_employer(demo):
    unions = Unit.objects.filter(kind=UnitKind.GRASSROOTS).exclude(
        code__startswith="ST-GD").exclude(code__startswith="ST-YT")  # fmt: skip
    linked = dict(UnionLink.objects.values_list("union_id", "enterprise__name"))
    for union in unions:
        if union.code.startswith("ST-CDVC") and union.ends_on == data.REFORM:
            continue  # a state body's union, not an enterprise's
        name = linked[union.pk]
        assert union.name == f"CĐCS {name} {data.SYNTHETIC}"
    # People carry the employer of the union they were first admitted to.
    first: dict[int, int] = {}
    for member_id, unit_id in Membership.objects.order_by("member_id", "start", "pk").values_list(
        "member_id", "unit_id"
    ):
        first.setdefault(member_id, unit_id)
    # A union renamed after they joined had the name they carry then.
    names: dict[int, set[str]] = {}
    for unit_id, name in UnitVersion.objects.values_list("unit_id", "name"):
        employer = name.removeprefix("CĐCS ").removesuffix(f" {data.SYNTHETIC}")
        names.setdefault(unit_id, set()).add(employer)
    checked = 0
    for member_id, employer in Member.objects.values_list("pk", "employer_name"):
        if first.get(member_id) in linked:
            assert employer in names[first[member_id]], member_id
            checked += 1
    assert checked > 1000
    # Each union is linked from its founding day.
    for link in UnionLink.objects.select_related("union")[:200]:
        assert link.valid_from == link.union.starts_on


def test_about_1500_enterprises_at_full_size_scale_down_with_the_demo(demo):
    n = Enterprise.objects.count()
    unorganised = Enterprise.objects.filter(union_links=None).count()
    assert unorganised == pytest.approx(640 * SMALL / 1000, abs=1)
    assert n > unorganised


def test_tax_codes_are_valid_and_codes_start_with_the_province(demo):
    for enterprise in Enterprise.objects.select_related("area_unit"):
        assert clean_tax_code(enterprise.tax_code) == enterprise.tax_code
        prefix = "18" if enterprise.area_unit.code.startswith("CT") else "22"
        assert enterprise.tax_code.startswith(prefix)
        assert enterprise.address.endswith(data.SYNTHETIC)


def test_headcounts_have_a_history_since_2019(demo):
    counts = Enterprise.objects.annotate(n=Count("headcounts")).values_list("n", flat=True)
    assert max(counts) <= 5 and sum(c >= 2 for c in counts) > len(counts) / 2
    workers = Headcount.objects.values_list("workers", flat=True)
    assert min(workers) >= 5 and max(workers) <= 3000
    years = {d.year for d in Headcount.objects.values_list("as_of", flat=True)}
    assert {2019, 2023, 2025} <= years


def test_a_mix_of_ownership_and_status(demo):
    kinds = set(Enterprise.objects.values_list("ownership", flat=True))
    assert {Ownership.NON_STATE, Ownership.FOREIGN} <= kinds
    assert Enterprise.objects.filter(ownership=Ownership.NON_STATE).count() > (
        Enterprise.objects.count() / 2
    )
    closed = Enterprise.objects.filter(status_periods__status=Status.DISSOLVED)
    assert closed.exists()
    # An enterprise whose union closed was dissolved the day its union ended.
    for e in closed.filter(union_links__valid_to__isnull=False).distinct()[:20]:
        link = e.union_links.get()
        assert e.status_periods.get(status=Status.DISSOLVED).valid_from == link.valid_to


def test_coverage_at_the_end_of_2023_is_plausible(demo):
    province = Unit.objects.get(code="LDLD-ST")
    coverage = selectors.coverage(unit=province, on=END_2023)
    assert coverage.eligible > 20
    assert 50 <= coverage.pct <= 95
    parts = selectors.coverage_by_child(unit=province, on=END_2023)
    assert sum(p.coverage.eligible for p in parts) == coverage.eligible
    assert min(p.coverage.pct for p in parts if p.coverage.pct is not None) < coverage.pct


def test_everything_went_through_the_services_and_is_audited(demo):
    created = AuditEntry.objects.filter(object_type="enterprises.enterprise", action="create")
    assert created.count() == Enterprise.objects.count()
    assert AuditEntry.objects.filter(operation="link_union").count() == UnionLink.objects.count()


def test_members_of_an_enterprise_union_have_it_as_their_registry_employer(demo):
    linked = dict(UnionLink.objects.values_list("union_id", "enterprise_id"))
    first: dict[int, int] = {}
    for member_id, unit_id in Membership.objects.order_by("member_id", "start", "pk").values_list(
        "member_id", "unit_id"
    ):
        first.setdefault(member_id, unit_id)
    employed = dict(Member.objects.values_list("pk", "enterprise_id"))
    staff = [m for m, unit_id in first.items() if unit_id in linked]
    assert len(staff) > 1000
    assert all(employed[m] == linked[first[m]] for m in staff)
    # Audited, each person whose employer it set (a few were registered with it already).
    assert 0.9 * len(staff) < AuditEntry.objects.filter(operation="set_employer").count() <= len(
        staff
    )
