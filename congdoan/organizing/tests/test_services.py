"""Organizing services: each refusal changes nothing; recognition is all or nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from congdoan.accounts.scope import scope_for
from congdoan.core.dates import today
from congdoan.core.models import AuditEntry
from congdoan.enterprises import services as enterprise_services
from congdoan.enterprises.models import Status, UnionLink
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.members import services as member_services
from congdoan.members.models import Member, Membership
from congdoan.org.models import Unit, UnitVersion
from congdoan.organizing import recognition, services
from congdoan.organizing.models import Applicant, Case, Stage, StageEvent, State
from congdoan.organizing.tests.factory import OPENED, add_applicants, make_case
from congdoan.testing import make_member

D = dt.date
DECISION = D(2024, 6, 1)


def snapshot():
    """Everything a service of this app, or recognition, could change."""
    return (
        list(Case.objects.order_by("pk").values_list()),
        list(StageEvent.objects.order_by("pk").values_list()),
        list(Applicant.objects.order_by("pk").values_list()),
        list(Unit.objects.order_by("pk").values_list()),
        UnitVersion.objects.count(),
        list(UnionLink.objects.order_by("pk").values_list()),
        list(Member.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list()),
        AuditEntry.objects.count(),
    )


def refused(code: str, call, *args, **kwargs) -> ValidationError:
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert info.value.error_list[0].code == code, info.value
    assert snapshot() == before
    return info.value


@pytest.fixture
def enterprise(org):
    return make_enterprise(area_unit=org.district_a, workers=60, name="Công ty May Thử")


@pytest.fixture
def at_congress(org, enterprise):
    return make_case(owner=org.district_a, enterprise=enterprise, stage=Stage.CONGRESS,
                     applicants=5)  # fmt: skip


def recognise(case, **extra):
    return recognition.recognise(
        actor=None, case=case, decision_number="12/QĐ-LĐLĐ", decision_date=DECISION, **extra
    )


# --- opening -------------------------------------------------------------------------------


def test_opening_a_case_records_the_first_stage_and_the_audit(org, users, enterprise):
    case = services.open_case(
        actor=users.district_manager, enterprise=enterprise, owner=org.district_a, on=OPENED,
        note="Danh sách khảo sát", scope=scope_for(users.district_manager),
    )  # fmt: skip
    assert (case.stage, case.state, case.opened_on) == (Stage.IDENTIFIED, State.ACTIVE, OPENED)
    event = case.events.get()
    assert (event.kind, event.stage, event.on, event.note) == (
        "opened",
        Stage.IDENTIFIED,
        OPENED,
        "Danh sách khảo sát",
    )
    entry = AuditEntry.objects.get(object_type="organizing.case", object_id=str(case.pk))
    assert entry.action == "create" and entry.actor == users.district_manager


def test_a_case_is_run_by_an_upper_level_unit(org, enterprise):
    refused("owner_not_upper_level", services.open_case, actor=None, enterprise=enterprise,
            owner=org.grassroots_a1, on=OPENED)  # fmt: skip


def test_a_manager_cannot_run_cases_for_another_district(org, users, enterprise):
    scope = scope_for(users.district_b_manager)
    refused("owner_outside_scope", services.open_case, actor=None, enterprise=enterprise,
            owner=org.district_a, on=OPENED, scope=scope)  # fmt: skip
    refused("enterprise_outside_scope", services.open_case, actor=None,
            enterprise=enterprise, owner=org.district_b, on=OPENED, scope=scope)  # fmt: skip


def test_viewers_cannot_open_cases(org, users, enterprise):
    refused("owner_outside_scope", services.open_case, actor=None, enterprise=enterprise,
            owner=org.district_a, on=OPENED, scope=scope_for(users.district_viewer))  # fmt: skip


def test_an_enterprise_with_a_union_needs_no_case(org, enterprise):
    enterprise_services.link_union(
        actor=None, enterprise=enterprise, union=org.grassroots_a1, on=D(2023, 1, 1)
    )
    refused("enterprise_has_union", services.open_case, actor=None, enterprise=enterprise,
            owner=org.district_a, on=OPENED)  # fmt: skip


def test_an_enterprise_has_one_open_case_at_a_time(org, enterprise):
    first = make_case(owner=org.district_a, enterprise=enterprise)
    refused("case_already_open", services.open_case, actor=None, enterprise=enterprise,
            owner=org.province, on=OPENED)  # fmt: skip
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(enterprise=enterprise, owner=org.province, opened_on=OPENED)
    # Once stopped, a new campaign may begin.
    services.stop(actor=None, case=first, on=OPENED, reason="Doanh nghiệp từ chối")
    second = services.open_case(
        actor=None, enterprise=enterprise, owner=org.province, on=D(2024, 3, 1)
    )
    assert second.pk != first.pk


def test_a_dissolved_enterprise_gets_no_case(org, enterprise):
    enterprise_services.change_status(
        actor=None, enterprise=enterprise, status=Status.DISSOLVED, on=D(2023, 5, 1)
    )
    refused("enterprise_not_operating", services.open_case, actor=None, enterprise=enterprise,
            owner=org.district_a, on=OPENED)  # fmt: skip


def test_a_case_cannot_open_in_the_future(org, enterprise):
    refused("date_in_future", services.open_case, actor=None, enterprise=enterprise,
            owner=org.district_a, on=today() + dt.timedelta(days=1))  # fmt: skip


# --- stages and states ---------------------------------------------------------------------


def test_advance_moves_one_stage_and_dates_it(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise)
    case = services.advance(actor=None, case=case, on=D(2024, 2, 1), note="Gặp giám đốc")
    assert case.stage == Stage.CONTACTED
    assert case.events.last().on == D(2024, 2, 1)
    assert AuditEntry.objects.filter(operation="advance", object_id=str(case.pk)).count() == 1


def test_a_step_cannot_be_dated_before_the_last(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise, stage=Stage.CONTACTED)
    refused("date_before_last", services.advance, actor=None, case=case, on=OPENED)


def test_a_stale_click_does_not_move_the_case_twice(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise, stage=Stage.CONTACTED)
    refused("stage_changed", services.advance, actor=None, case=case, on=D(2024, 3, 1),
            from_stage=Stage.IDENTIFIED)  # fmt: skip


def test_the_last_stage_is_reached_only_by_recognition(at_congress):
    refused("needs_decision", services.advance, actor=None, case=at_congress, on=D(2024, 5, 1))


def test_moving_back_corrects_the_last_step_and_keeps_it_in_history(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise, stage=Stage.CONTACTED)
    case = services.move_back(actor=None, case=case, note="Bấm nhầm")
    assert case.stage == Stage.IDENTIFIED
    assert list(case.events.values_list("kind", flat=True)) == ["opened", "advanced", "back"]
    # The corrected step may be dated again from the date of the stage it went back to.
    case = services.advance(actor=None, case=case, on=D(2024, 1, 12))
    assert case.stage == Stage.CONTACTED
    refused("first_stage", services.move_back, actor=None,
            case=services.move_back(actor=None, case=case))  # fmt: skip


def test_pause_and_stop_need_a_reason_and_a_paused_case_does_not_move(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise)
    refused("reason_required", services.pause, actor=None, case=case, on=OPENED, reason=" ")
    case = services.pause(actor=None, case=case, on=D(2024, 2, 1), reason="Chờ Tết")
    assert (case.state, case.state_reason) == (State.PAUSED, "Chờ Tết")
    refused("case_paused", services.advance, actor=None, case=case, on=D(2024, 2, 2))
    refused("already_paused", services.pause, actor=None, case=case, on=D(2024, 2, 2),
            reason="x")  # fmt: skip
    case = services.resume(actor=None, case=case, on=D(2024, 3, 1))
    assert case.state == State.ACTIVE
    refused("reason_required", services.stop, actor=None, case=case, on=D(2024, 3, 2),
            reason="")  # fmt: skip
    case = services.stop(actor=None, case=case, on=D(2024, 3, 2), reason="Doanh nghiệp giải thể")
    refused("case_closed", services.resume, actor=None, case=case, on=D(2024, 3, 3))
    refused("case_closed", add_applicants, case, 1)


def test_next_step_and_its_due_date(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise)
    case = services.set_next_step(
        actor=None, case=case, next_step="Gặp công đoàn KCN", due=D(2024, 2, 1)
    )
    assert (case.next_step, case.next_step_due) == ("Gặp công đoàn KCN", D(2024, 2, 1))
    refused("next_step_required", services.set_next_step, actor=None, case=case, next_step="",
            due=D(2024, 2, 1))  # fmt: skip
    refused("due_before_opened", services.set_next_step, actor=None, case=case,
            next_step="x", due=D(2023, 2, 1))  # fmt: skip


# --- applicants ----------------------------------------------------------------------------


def test_applicants_are_checked_like_members(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise)
    person = {"actor": None, "case": case, "full_name": "  Lê  Thị Hoa ", "gender": "female",
              "birth_date": D(1998, 4, 2), "applied_on": D(2024, 2, 1)}  # fmt: skip
    refused("cccd_format", services.add_applicant, **person, national_id="12345")
    refused("cccd_gender", services.add_applicant, **person, national_id="094098123456")
    refused("too_young", services.add_applicant, **{**person, "birth_date": D(2012, 1, 1)})
    refused("date_in_future", services.add_applicant,
            **{**person, "applied_on": today() + dt.timedelta(days=1)})  # fmt: skip
    applicant = services.add_applicant(**person, national_id="094198123456")
    assert applicant.full_name == "Lê Thị Hoa" and applicant.birth_year == 1998
    refused("applicant_twice", services.add_applicant, **person, national_id="094198123456")
    services.remove_applicant(actor=None, applicant=applicant, reason="Rút đơn")
    assert not case.applicants.exists()
    entry = AuditEntry.objects.get(operation="remove_applicant")
    assert entry.before["full_name"] == "Lê Thị Hoa" and entry.reason == "Rút đơn"


# --- recognition ---------------------------------------------------------------------------


def test_recognition_founds_one_union_links_it_and_admits_the_applicants(org, at_congress):
    case = recognise(at_congress)
    assert (case.stage, case.decision_number, case.decision_date) == (
        Stage.RECOGNISED,
        "12/QĐ-LĐLĐ",
        DECISION,
    )
    union = case.union
    assert union.code == "DA-0001" and union.name == "CĐCS Công ty May Thử"
    assert union.parent == org.district_a and union.kind == "grassroots"
    assert union.starts_on == DECISION
    link = UnionLink.objects.get(enterprise=case.enterprise)
    assert (link.union, link.valid_from, link.valid_to) == (union, DECISION, None)
    spans = Membership.objects.filter(unit=union)
    assert spans.count() == 5
    assert {(s.start, s.end, s.start_reason) for s in spans} == {(DECISION, None, "admitted")}
    members = Member.objects.filter(memberships__unit=union)
    assert {m.employer_name for m in members} == {"Công ty May Thử"}
    assert set(case.applicants.values_list("member", flat=True)) == set(
        members.values_list("pk", flat=True)
    )
    assert case.events.last().kind == "recognised"
    assert AuditEntry.objects.filter(operation="recognise", object_id=str(case.pk)).exists()
    refused("case_closed", services.move_back, actor=None, case=case)


def test_recognition_takes_a_given_code_and_name(org, at_congress):
    case = recognise(at_congress, union_code="da-may", union_name="CĐCS Công ty May")
    assert (case.union.code, case.union.name) == ("DA-MAY", "CĐCS Công ty May")


def test_recognition_refuses_fewer_applicants_than_the_charter_asks(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise, stage=Stage.CONGRESS,
                     applicants=4)  # fmt: skip
    error = refused("too_few_applicants", recognise, case)
    assert error.error_list[0].params == {"min": 5, "count": 4}


def test_the_minimum_is_a_setting(org, enterprise, settings):
    settings.ORGANIZING_MIN_APPLICANTS = 3
    case = make_case(owner=org.district_a, enterprise=enterprise, stage=Stage.CONGRESS,
                     applicants=3)  # fmt: skip
    assert recognise(case).stage == Stage.RECOGNISED


def test_recognition_comes_after_the_congress_and_not_in_the_future(org, at_congress):
    congress = recognition.congress_on(at_congress)
    refused("decision_before_congress", recognition.recognise, actor=None, case=at_congress,
            decision_number="1", decision_date=congress - dt.timedelta(days=1))  # fmt: skip
    refused("date_in_future", recognition.recognise, actor=None, case=at_congress,
            decision_number="1", decision_date=today() + dt.timedelta(days=1))  # fmt: skip
    refused("decision_number_required", recognition.recognise, actor=None, case=at_congress,
            decision_number=" ", decision_date=DECISION)  # fmt: skip


def test_recognition_waits_for_the_congress(org, enterprise):
    case = make_case(owner=org.district_a, enterprise=enterprise, stage=Stage.APPLICATIONS,
                     applicants=5)  # fmt: skip
    refused("not_at_congress", recognise, case)


def test_the_enterprise_must_operate_on_the_decision_date(org, at_congress):
    enterprise_services.change_status(
        actor=None, enterprise=at_congress.enterprise, status=Status.SUSPENDED, on=D(2024, 5, 1)
    )
    refused("enterprise_not_operating", recognise, at_congress)


def test_one_applicant_refused_means_nothing_is_written(org, at_congress, settings):
    # The rule changes after the applications were taken: the 4th applicant is now too young.
    fourth = list(at_congress.applicants.order_by("pk"))[3]
    Applicant.objects.filter(pk=fourth.pk).update(birth_date=D(2006, 1, 1), birth_year=2006)
    settings.MEMBERS_MIN_AGE = 20
    error = refused("applicant_refused", recognise, at_congress)
    assert fourth.full_name in error.messages[0]
    assert not Unit.objects.filter(code="DA-0001").exists()


def test_recognition_fails_when_the_code_is_taken(org, at_congress):
    refused("code_taken", recognise, at_congress, union_code="DA-1")


def test_an_applicant_already_registered_who_left_is_readmitted(org, at_congress):
    person = make_member(unit=org.grassroots_b1, full_name="Trần Văn Cũ",
                         national_id="094095123456", birth_date=D(1995, 3, 1),
                         on=D(2015, 1, 1))  # fmt: skip
    member_services.leave_union(actor=None, member=person, on=D(2020, 1, 1), reason="left_job")
    services.add_applicant(
        actor=None, case=at_congress, full_name="Trần Văn Cũ", gender="male",
        birth_date=D(1995, 3, 1), national_id="094095123456", applied_on=D(2024, 2, 1),
    )  # fmt: skip
    case = recognise(at_congress)
    span = Membership.objects.get(member=person, unit=case.union)
    assert (span.start, span.start_reason) == (DECISION, "readmitted")
    assert Member.objects.count() == 6  # the five new people and the one who came back
    person.refresh_from_db()
    assert person.employer_name == "Công ty May Thử"


def test_an_applicant_who_is_a_member_elsewhere_stops_the_recognition(org, at_congress):
    make_member(unit=org.grassroots_b1, full_name="Trần Văn Đang", national_id="094095123457",
                birth_date=D(1995, 3, 1))  # fmt: skip
    services.add_applicant(
        actor=None, case=at_congress, full_name="Trần Văn Đang", gender="male",
        birth_date=D(1995, 3, 1), national_id="094095123457", applied_on=D(2024, 2, 1),
    )  # fmt: skip
    error = refused("applicant_refused", recognise, at_congress)
    assert "Trần Văn Đang" in error.messages[0]


def test_a_national_id_of_someone_else_stops_the_recognition(org, at_congress):
    make_member(full_name="Ngô Thị Khác", gender="female", national_id="094195123458",
                birth_date=D(1995, 3, 1))  # fmt: skip
    services.add_applicant(
        actor=None, case=at_congress, full_name="Lý Thị Nộp Đơn", gender="female",
        birth_date=D(1995, 3, 1), national_id="094195123458", applied_on=D(2024, 2, 1),
    )  # fmt: skip
    error = refused("applicant_other_person", recognise, at_congress)
    assert "Lý Thị Nộp Đơn" in error.messages[0]
    assert "Ngô Thị Khác" not in error.messages[0]  # the other person's name stays private


def test_recognition_in_another_district_is_refused_by_scope(org, users, at_congress):
    refused("owner_outside_scope", recognise, at_congress,
            scope=scope_for(users.district_b_manager))  # fmt: skip
