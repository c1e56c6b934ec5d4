"""The demo: Sóc Trăng before and after the 2025 reform, labelled data, members, users."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from congdoan.accounts.models import Role, User
from congdoan.core import audit
from congdoan.core.codes import clean_cccd
from congdoan.core.models import AuditEntry
from congdoan.demo import data
from congdoan.demo.services import demo_logins, load_demo
from congdoan.members import selectors as member_selectors
from congdoan.members.models import Member, Membership
from congdoan.org import selectors
from congdoan.org.kinds import MEMBER_HOLDING, UnitKind
from congdoan.org.models import OrgEvent, Unit

TODAY = dt.date(2026, 1, 31)
DAY_BEFORE = data.REFORM - dt.timedelta(days=1)
SMALL = 40


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo for the module's tests, which only read it; rolled back at the end."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            yield load_demo(today=TODAY, size=SMALL)
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_db(demo, db):
    pass


def codes(nodes) -> set[str]:
    return {n.code for n in nodes}


def children(day: dt.date, code: str):
    forest = selectors.tree_as_of(day)
    return forest.children_of(forest.by_code[code])


def test_before_the_reform_soc_trang_has_its_15_upper_level_unions(demo):
    districts = {u.code for u in data.UPPER_UNITS if u.parent == "LDLD-ST"}
    assert len(districts) == 15
    assert codes(children(DAY_BEFORE, "LDLD-ST")) == districts
    assert codes(children(DAY_BEFORE, "TLD")) == {"LDLD-ST", "LDLD-CT"}


def test_from_the_reform_soc_trang_is_merged_into_can_tho(demo):
    forest = selectors.tree_as_of(data.REFORM)
    assert "LDLD-ST" not in forest.by_code
    assert Unit.objects.get(code="LDLD-ST").successor.code == "LDLD-CT"
    kinds = {n.kind for n in forest.nodes.values()}
    assert not kinds & {UnitKind.DISTRICT, UnitKind.SECTOR, UnitKind.PUBLIC_EMPLOYEES}
    under_can_tho = {n.kind for n in children(data.REFORM, "LDLD-CT")}
    assert under_can_tho == {UnitKind.COMMUNE, UnitKind.INDUSTRIAL_ZONE, UnitKind.GRASSROOTS}


def test_each_grassroots_union_of_a_district_goes_to_a_commune_of_that_district(demo):
    before, after = selectors.tree_as_of(DAY_BEFORE), selectors.tree_as_of(data.REFORM)
    moved = 0
    for district in (u for u in data.UPPER_UNITS if u.kind == UnitKind.DISTRICT):
        for node in before.children_of(before.by_code[district.code]):
            commune = after.nodes[after.nodes[node.id].parent_id]
            assert commune.kind == UnitKind.COMMUNE
            assert commune.code.startswith(f"{district.code}-X")
            moved += 1
    assert moved > SMALL // 2


def test_state_bodies_end_and_other_sector_unions_go_to_the_province(demo):
    before, after = selectors.tree_as_of(DAY_BEFORE), selectors.tree_as_of(data.REFORM)
    ended = kept = 0
    for sector in data.SECTOR_CODES:
        for node in before.children_of(before.by_code[sector]):
            if node.id in after:
                assert after.nodes[after.nodes[node.id].parent_id].code == "LDLD-CT"
                kept += 1
            else:
                assert Unit.objects.get(pk=node.id).ends_on == data.REFORM
                ended += 1
    assert ended and kept


def test_reform_steps_share_one_date_and_cite_the_law(demo):
    reform = OrgEvent.objects.filter(effective_on=data.REFORM)
    assert {e.kind for e in reform} == {"create", "move", "dissolve", "merge"}
    assert all("97/2025" in e.reason or "202/2025" in e.reason for e in reform)


def test_there_is_growth_and_history_to_show(demo):
    founded = OrgEvent.objects.filter(kind="create", effective_on__year__gte=2020)
    assert {e.effective_on.year for e in founded} >= {2020, 2021, 2022, 2023, 2024, 2025}
    history = OrgEvent.objects.filter(effective_on__lt=data.REFORM)
    kinds = set(history.values_list("kind", flat=True))
    assert kinds >= {"rename", "move", "merge", "split", "dissolve"}
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).exists()


def test_synthetic_and_illustrative_units_say_so(demo):
    for unit in Unit.objects.all():
        if unit.kind in MEMBER_HOLDING | {UnitKind.DEPARTMENT}:
            assert unit.name.endswith(data.SYNTHETIC), unit
        elif unit.kind == UnitKind.COMMUNE:
            assert unit.name.endswith(data.ILLUSTRATIVE), unit


def test_a_user_of_every_role_signs_in_with_the_demo_password(demo):
    assert {login.role for login in demo.logins} == set(Role.values)
    for login in demo_logins():
        user = User.objects.get(username=login.username)
        assert user.check_password(data.PASSWORD)
        assert user.unit is not None
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="quanly").unit.code == "LDLD-CT"
    clerk = User.objects.get(role=Role.CLERK)
    assert clerk.unit.kind == UnitKind.GRASSROOTS and clerk.unit.is_active


def test_the_current_structure_is_restated_once_loaded(demo):
    assert Unit.objects.get(code="LDLD-ST").is_active is False
    commune = Unit.objects.get(code="ST-TP-X1")
    assert commune.parent.code == "LDLD-CT"
    assert commune.path.startswith(Unit.objects.get(code="LDLD-CT").path)
    assert demo.units == Unit.objects.count()


# --- members ------------------------------------------------------------------------------

END_2023 = dt.date(2023, 12, 31)


def test_soc_trang_has_about_its_share_of_the_target_members_at_the_end_of_2023(demo):
    soc_trang = Unit.objects.get(code="LDLD-ST")
    counted = member_selectors.count_members(unit=soc_trang, on=END_2023).members
    assert demo.members_2023 == counted
    assert counted == pytest.approx(data.MEMBERS_END_2023 * SMALL / 1000, rel=0.05)
    can_tho = Unit.objects.get(code="LDLD-CT")
    today = member_selectors.count_members(unit=can_tho, on=TODAY, structure="current")
    assert demo.members_today == today.members == Membership.objects.filter(end=None).count()


def test_members_have_a_history_of_every_kind_since_2019(demo):
    spans = Membership.objects.filter(Q(end__gte=data.MEMBERS_FROM) | Q(end=None))
    assert set(spans.values_list("start_reason", flat=True)) == set(Membership.StartReason)
    ends = set(spans.values_list("end_reason", flat=True))
    assert ends >= {"transferred", "suspended", "resumed", "reorganised", "retired", "left_job",
                    "withdrew", "union_dissolved"}
    joined = Membership.objects.filter(start_reason="admitted", start__gte=data.MEMBERS_FROM)
    assert {d.year for d in joined.values_list("start", flat=True)} >= set(range(2019, 2026))
    stock = Membership.objects.filter(start_reason="admitted", start__lt=data.MEMBERS_FROM)
    assert stock.count() > joined.count() / 2 and stock.filter(start__year__lt=2010).exists()


def test_the_reform_ended_the_state_bodies_memberships_through_the_hook(demo):
    ended = Unit.objects.filter(kind__in=MEMBER_HOLDING, ends_on=data.REFORM)
    assert ended.exists()
    closed = Membership.objects.filter(unit__in=ended, end=data.REFORM)
    assert closed.exists() and set(closed.values_list("end_reason", flat=True)) == {
        "union_dissolved"}
    assert AuditEntry.objects.filter(operation="dissolve", object_type="members.member").count(
    ) == closed.count()
    # Nobody is left in a union that has ended.
    assert not Membership.objects.filter(end=None, unit__is_active=False).exists()


def test_changes_after_the_reform_went_through_the_per_row_services(demo):
    after = AuditEntry.objects.filter(object_type="members.member")
    operations = set(after.values_list("operation", flat=True))
    assert operations >= {"bulk_load", "leave", "transfer", "readmit", "dissolve"}
    changed = Membership.objects.filter(end__gt=data.REFORM)
    assert changed.exists()
    for span in changed[:20]:
        assert audit.history(span.member).exclude(operation="bulk_load").exists()


def test_spans_of_each_person_follow_one_another(demo):
    last: dict[int, Membership] = {}
    for span in Membership.objects.order_by("member_id", "start", "pk"):
        before = last.get(span.member_id)
        if before is not None:
            assert before.end is not None and before.end <= span.start, span
            if before.end == span.start:
                assert before.end_reason == span.start_reason
        last[span.member_id] = span


def test_people_look_like_soc_trangs_members(demo):
    people = Member.objects.all()
    n = people.count()
    assert 0.50 < people.filter(gender="female").count() / n < 0.62
    ethnicities = dict(people.values_list("ethnicity").annotate(c=Count("pk")))
    # Members admitted from a founding campaign's applications have no ethnicity recorded
    # (an application does not ask for sensitive data); they are a handful.
    assert ethnicities.pop("", 0) < n / 100
    assert set(ethnicities) == {"Kinh", "Khmer", "Hoa"}
    assert 0.15 < ethnicities["Khmer"] / n < 0.35
    assert 0.05 < people.filter(birth_date=None).count() / n < 0.15
    assert 0.03 < people.filter(national_id=None).count() / n < 0.15
    for member in people.exclude(national_id=None)[:300]:
        assert clean_cccd(member.national_id, gender=member.gender,
                          birth_year=member.birth_year) == member.national_id
    assert people.filter(national_id__startswith="094").count() > n / 2
    families = {name.split()[0] for name in people.values_list("full_name", flat=True)}
    assert {"Nguyễn", "Trần", "Thạch", "Sơn", "Danh"} <= families


def test_the_counts_kept_for_dashboards_match_the_registry_in_both_structures():
    from congdoan.analytics import rollup

    for day in (dt.date(2022, 6, 30), DAY_BEFORE, data.REFORM, dt.date(2026, 1, 15)):
        for structure in rollup.STRUCTURES:
            figures = rollup.rollup_on(day, structure=structure)
            for unit in Unit.objects.filter(depth__lte=1):
                count = member_selectors.count_members(unit=unit, on=day, structure=structure)
                assert figures.of(unit.pk)["members"] == count.members, (unit.code, day, structure)
                assert figures.of(unit.pk)["female"] == count.female, (unit.code, day, structure)
