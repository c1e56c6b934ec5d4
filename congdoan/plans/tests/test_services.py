import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congdoan.accounts.scope import scope_for
from congdoan.core.audit import history
from congdoan.core.models import AuditEntry
from congdoan.org import services as org_services
from congdoan.plans import indicator_services, services, target_services
from congdoan.plans.models import (
    Aggregation,
    Indicator,
    Period,
    Plan,
    PlanDocument,
    Source,
    Target,
    TargetChange,
)
from congdoan.plans.tests.factory import make_indicator, make_plan

pytestmark = pytest.mark.django_db
D = dt.date


def state():
    return tuple(
        model.objects.count()
        for model in (Indicator, Plan, Period, PlanDocument, Target, TargetChange, AuditEntry)
    )


def refused(error_code, call, /, *args, **kwargs):
    """`call` raises a ValidationError with `error_code` and leaves every table as it was."""
    before = state()
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == error_code
    assert state() == before
    return caught.value


@pytest.fixture
def plan(org):
    members = make_indicator(code="DV")
    plan = make_plan(owner=org.province, indicators=[members])
    plan.members = members
    plan.year = plan.periods.get(label="2022")
    return plan


def set_by(user, plan, unit, value, **extra):
    return target_services.set_target(
        actor=user,
        scope=scope_for(user),
        plan=plan,
        indicator=plan.members,
        unit=unit,
        period=plan.year,
        value=value,
        **extra,
    )


def value_of(plan, unit):
    return Target.objects.get(plan=plan, indicator=plan.members, unit=unit, period=plan.year).value


# --- who sets which target -----------------------------------------------------------------


def test_owner_sets_its_own_target(plan, org, users):
    set_by(users.province_manager, plan, org.province, 1000)
    assert value_of(plan, org.province) == Decimal("1000.00")


def test_parent_sets_its_children(plan, org, users):
    set_by(users.province_manager, plan, org.district_a, 600)
    set_by(users.district_manager, plan, org.grassroots_a1, 250)
    assert value_of(plan, org.district_a) == 600
    assert value_of(plan, org.grassroots_a1) == 250


@pytest.mark.parametrize(
    "who, where",
    [
        ("district_manager", "district_a"),  # its own unit
        ("district_manager", "district_b"),  # a sibling
        ("district_manager", "grassroots_b1"),  # a sibling's child
        ("district_manager", "province"),  # the owner, from below
        ("district_b_manager", "grassroots_a1"),  # an outsider
        ("clerk", "grassroots_a1"),  # a grassroots clerk, its own unit
        ("district_viewer", "grassroots_a1"),  # the parent, but only a viewer
        ("district_approver", "grassroots_a2"),  # the parent, but only an approver
        ("province_manager", "grassroots_a1"),  # a grandchild: its parent splits, not us
    ],
)
def test_nobody_else_sets_a_target(plan, org, users, who, where):
    user = getattr(users, who)
    refused(
        "not_allowed",
        target_services.set_target,
        actor=user,
        scope=scope_for(user),
        plan=plan,
        indicator=plan.members,
        unit=getattr(org, where),
        period=plan.year,
        value=10,
    )


def test_admin_sets_any_target(plan, org, users):
    for unit in (org.province, org.district_b, org.grassroots_a2):
        set_by(users.admin, plan, unit, 5)
        assert value_of(plan, unit) == 5


def test_the_union_that_took_over_an_ended_parent_sets_in_its_place(plan, org, users):
    # District A was merged into district B in 2024: its 2022 split is now B's to look after.
    org_services.merge_units(
        actor=None, sources=[org.district_a], into=org.district_b, on=dt.date(2024, 1, 1)
    )
    set_by(users.district_b_manager, plan, org.grassroots_a1, 40)
    assert value_of(plan, org.grassroots_a1) == 40
    refused(
        "not_allowed",
        set_by,
        users.province_manager,
        plan,
        org.grassroots_a2,
        10,
    )


def test_a_unit_outside_the_plan_has_no_target(org, users):
    indicator = make_indicator()
    plan = make_plan(owner=org.district_a, indicators=[indicator])
    refused(
        "unit_outside_plan",
        target_services.set_target,
        actor=users.admin,
        scope=scope_for(users.admin),
        plan=plan,
        indicator=indicator,
        unit=org.grassroots_b1,
        period=plan.periods.first(),
        value=1,
    )


def test_the_parent_is_the_one_at_the_period_start(plan, org, users):
    # A2 moves to district B in mid-2022: its 2022 target still belongs to district A,
    # its 2023 target to district B.
    org_services.move_unit(
        actor=None, unit=org.grassroots_a2, parent=org.district_b, on=D(2022, 7, 1)
    )
    org.refresh()
    set_by(users.district_manager, plan, org.grassroots_a2, 40)
    with pytest.raises(ValidationError):
        set_by(users.district_b_manager, plan, org.grassroots_a2, 41)
    later = plan.periods.get(label="2023")
    target_services.set_target(
        actor=users.district_b_manager, scope=scope_for(users.district_b_manager),
        plan=plan, indicator=plan.members, unit=org.grassroots_a2, period=later, value=45,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        target_services.set_target(
            actor=users.district_manager, scope=scope_for(users.district_manager),
            plan=plan, indicator=plan.members, unit=org.grassroots_a2, period=later, value=46,
        )  # fmt: skip


@pytest.mark.parametrize(
    "value, code", [(-1, "value_negative"), (None, "value_required"), ("abc", "value_invalid")]
)
def test_a_target_is_a_number_not_below_zero(plan, org, users, value, code):
    refused(code, set_by, users.province_manager, plan, org.province, value)


def test_a_closed_plan_takes_no_targets(plan, org, users):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    plan.refresh_from_db()
    plan.members, plan.year = Indicator.objects.get(code="DV"), plan.periods.get(label="2022")
    refused("plan_closed", set_by, users.admin, plan, org.province, 1)


def test_an_indicator_the_plan_does_not_use_takes_no_target(plan, org, users):
    other = make_indicator()
    refused(
        "indicator_not_in_plan",
        target_services.set_target,
        actor=users.admin, scope=scope_for(users.admin), plan=plan, indicator=other,
        unit=org.province, period=plan.year, value=1,
    )  # fmt: skip


# --- history -------------------------------------------------------------------------------


def test_every_change_keeps_who_when_and_why(plan, org, users):
    target = set_by(users.province_manager, plan, org.province, 1000, reason="Nghị quyết 01")
    set_by(users.province_manager, plan, org.province, 1100, reason="Điều chỉnh giữa kỳ")
    set_by(users.province_manager, plan, org.province, 1100, reason="same value, no change")
    changes = list(target.changes.all())
    assert [(c.before, c.after, c.reason) for c in changes] == [
        (None, Decimal("1000.00"), "Nghị quyết 01"),
        (Decimal("1000.00"), Decimal("1100.00"), "Điều chỉnh giữa kỳ"),
    ]
    assert {c.actor for c in changes} == {users.province_manager}
    assert all(c.at is not None for c in changes)
    entries = list(history(target))
    assert [e.before for e in entries] == [{"value": "1000.00"}, None]
    assert entries[0].after["value"] == "1100.00"
    assert entries[0].actor == users.province_manager


# --- the split -----------------------------------------------------------------------------


def split_by(user, plan, parent, values, **extra):
    return target_services.apply_split(
        actor=user,
        scope=scope_for(user),
        plan=plan,
        indicator=plan.members,
        parent_unit=parent,
        period=plan.year,
        values={unit.pk: value for unit, value in values.items()},
        **extra,
    )


def test_a_split_that_adds_up_has_no_mismatch(plan, org, users):
    set_by(users.province_manager, plan, org.province, 100)
    result = split_by(
        users.province_manager, plan, org.province, {org.district_a: 60, org.district_b: 40}
    )
    assert result.mismatch == 0
    assert result.total == 100
    assert value_of(plan, org.district_a) == 60
    assert value_of(plan, org.district_b) == 40
    assert TargetChange.objects.filter(target__in=result.targets).count() == 2


def test_a_mismatch_is_kept_and_returned_not_refused(plan, org, users):
    set_by(users.province_manager, plan, org.province, 100)
    result = split_by(
        users.province_manager, plan, org.province, {org.district_a: 60, org.district_b: 30}
    )
    assert result.mismatch == Decimal("10.00")
    entry = history(plan).filter(operation="apply_split").get()
    assert entry.after["mismatch"] == "10.00"
    # Too much is shown too, as a negative gap.
    result = split_by(users.province_manager, plan, org.province, {org.district_b: 50})
    assert result.mismatch == Decimal("-10.00")


def test_a_split_without_a_parent_target_has_no_mismatch_to_show(plan, org, users):
    result = split_by(users.province_manager, plan, org.province, {org.district_a: 60})
    assert result.total is None and result.mismatch is None


def test_a_ratio_indicator_has_no_mismatch(org, users):
    members = make_indicator(code="N")
    workers = make_indicator(code="W")
    rate = make_indicator(
        code="RATE", aggregation=Aggregation.RATIO, measure="percent",
        numerator=members, denominator=workers,
    )  # fmt: skip
    plan = make_plan(owner=org.province, indicators=[rate])
    period = plan.periods.get(label="2022")
    target_services.set_target(
        actor=None, plan=plan, indicator=rate, unit=org.province, period=period, value=80
    )
    result = target_services.apply_split(
        actor=None, plan=plan, indicator=rate, parent_unit=org.province, period=period,
        values={org.district_a.pk: 70, org.district_b.pk: 90},
    )  # fmt: skip
    assert result.total == 80 and result.mismatch is None


def test_a_split_is_all_or_nothing(plan, org, users):
    set_by(users.province_manager, plan, org.province, 100)
    refused(
        "not_a_child",
        split_by,
        users.province_manager,
        plan,
        org.province,
        {org.district_a: 60, org.grassroots_b1: 40},
    )
    refused(
        "value_negative",
        split_by,
        users.province_manager,
        plan,
        org.province,
        {org.district_a: 60, org.district_b: -1},
    )


def test_only_the_parent_or_an_admin_splits(plan, org, users):
    refused(
        "not_allowed",
        split_by,
        users.district_manager,
        plan,
        org.province,
        {org.district_a: 60, org.district_b: 40},
    )
    refused(
        "not_allowed",
        split_by,
        users.district_b_manager,
        plan,
        org.district_a,
        {org.grassroots_a1: 1},
    )
    split_by(users.district_manager, plan, org.district_a, {org.grassroots_a1: 1})
    split_by(users.admin, plan, org.district_a, {org.grassroots_a2: 2})
    assert value_of(plan, org.grassroots_a2) == 2


# --- plans, periods, documents, indicators -------------------------------------------------


def test_a_plan_is_made_for_a_unit_one_manages(org, users):
    refused(
        "outside_scope",
        services.create_plan,
        actor=users.district_manager, scope=scope_for(users.district_manager),
        code="KH-X", title="X", owner=org.province, starts_on=D(2022, 1, 1),
        ends_on=D(2023, 12, 31),
    )  # fmt: skip
    plan = services.create_plan(
        actor=users.district_manager, scope=scope_for(users.district_manager),
        code="KH-A", title="Kế hoạch huyện A", owner=org.district_a,
        starts_on=D(2022, 1, 1), ends_on=D(2023, 12, 31),
    )  # fmt: skip
    assert plan.status == Plan.Status.DRAFT
    assert history(plan).get().after["code"] == "KH-A"


def test_a_period_lies_inside_the_plan_and_its_label_is_unique(plan):
    refused(
        "period_outside_plan",
        services.add_period,
        actor=None, plan=plan, label="2024", starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31),
    )  # fmt: skip
    refused(
        "period_label_taken",
        services.add_period,
        actor=None, plan=plan, label="2022", starts_on=D(2022, 1, 1), ends_on=D(2022, 6, 30),
    )  # fmt: skip


def test_documents_are_pdf_or_word(plan, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scope = scope_for(users.province_manager)
    for name in ("virus.exe", "nghi-quyet.txt", "noext"):
        refused(
            "document_type",
            services.attach_document,
            actor=users.province_manager, scope=scope, plan=plan,
            file=SimpleUploadedFile(name, b"x"), title="NQ",
        )  # fmt: skip
    document = services.attach_document(
        actor=users.province_manager, scope=scope, plan=plan,
        file=SimpleUploadedFile("Nghị quyết 01.PDF", b"%PDF-1.4"), title="", kind="resolution",
    )  # fmt: skip
    assert document.title == "Nghị quyết 01"
    assert document.file.name.startswith("plans/")


def test_documents_are_at_most_20_mb(plan, users, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "DOCUMENT_MAX_MB", 0)
    refused(
        "document_too_big",
        services.attach_document,
        actor=None, plan=plan, file=SimpleUploadedFile("a.docx", b"PK"), title="A",
    )  # fmt: skip


def test_documents_only_by_who_manages_the_plan(plan, users):
    refused(
        "outside_scope",
        services.attach_document,
        actor=users.district_manager, scope=scope_for(users.district_manager), plan=plan,
        file=SimpleUploadedFile("a.pdf", b"%PDF"), title="A",
    )  # fmt: skip


def test_indicator_codes_are_identifiers_and_unique(db):
    make_indicator(code="DV")
    refused("code_taken", make_indicator, code="dv")
    refused("code_invalid", make_indicator, code="1ABC")
    refused("code_invalid", make_indicator, code="A-B")


def test_a_ratio_needs_two_summed_parts(db):
    members = make_indicator(code="N")
    refused("ratio_parts_required", make_indicator, aggregation=Aggregation.RATIO,
            numerator=members)  # fmt: skip
    refused("ratio_parts_same", make_indicator, aggregation=Aggregation.RATIO,
            numerator=members, denominator=members)  # fmt: skip
    flat = make_indicator(code="F", aggregation=Aggregation.NONE)
    refused("ratio_part_not_summed", make_indicator, aggregation=Aggregation.RATIO,
            numerator=members, denominator=flat)  # fmt: skip


def test_a_viewer_defines_no_indicator(users):
    refused(
        "not_allowed",
        indicator_services.create_indicator,
        actor=users.district_viewer, scope=scope_for(users.district_viewer),
        code="X", name="X", measure="people", source=Source.REPORTED,
    )  # fmt: skip


def test_a_formula_indicator_needs_a_formula(db):
    refused("formula_required", make_indicator, source=Source.FORMULA, formula="  ")


def test_a_computed_indicator_needs_a_calculator(db):
    refused("calculator_required", make_indicator, source=Source.COMPUTED)


def test_a_formula_names_existing_indicators(db):
    pytest.importorskip("congdoan.plans.formula")
    make_indicator(code="A")
    make_indicator(code="B")
    made = make_indicator(code="C", source=Source.FORMULA, formula="A + B")
    assert made.formula == "A + B"
    refused("formula_unknown_codes", make_indicator, source=Source.FORMULA, formula="A + Z")


def test_a_formula_cannot_refer_back_to_itself(db):
    pytest.importorskip("congdoan.plans.formula")
    with pytest.raises(ValidationError):
        make_indicator(code="SELF", source=Source.FORMULA, formula="SELF + 1")


def test_a_computed_indicator_uses_a_built_in_calculator(db):
    calculators = pytest.importorskip("congdoan.plans.calculators")
    name = next(iter(calculators.CALCULATORS))
    assert make_indicator(source=Source.COMPUTED, calculator=name).calculator == name
    refused("calculator_unknown", make_indicator, source=Source.COMPUTED, calculator="nope")
