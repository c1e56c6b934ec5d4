import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from congdoan.core.models import AuditEntry
from congdoan.members import selectors, services
from congdoan.members.models import Member, Membership
from congdoan.org import services as org_services
from congdoan.testing import make_member

D = dt.date


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def state():
    return (Member.objects.count(), Membership.objects.count(),
            list(Membership.objects.values_list("pk", "end", "end_reason")))


@pytest.fixture
def member(org):
    return make_member(unit=org.grassroots_a1, on=D(2015, 1, 1))


def refused(code, call, **kwargs):
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        call(actor=None, **kwargs)
    assert code_of(excinfo) == code
    assert state() == before


def test_register_normalises_and_keys_the_name(db):
    import unicodedata

    person = services.register_member(
        actor=None, full_name=unicodedata.normalize("NFD", "  Nguyễn  Văn An "), gender="male",
        birth_date=D(1990, 1, 2), national_id=94090123456.0,
    )
    assert person.full_name == "Nguyễn Văn An" and person.search_key == "nguyen van an"
    assert person.national_id == "094090123456" and person.birth_year == 1990
    assert AuditEntry.objects.filter(object_id=str(person.pk), action="create").exists()


def test_birth_year_alone_is_enough(db):
    person = services.register_member(actor=None, full_name="Lê Thị Bé", gender="female",
                                      birth_year=1968)
    assert person.birth_date is None and person.birth_year == 1968


def test_the_same_national_id_is_refused_saying_where(org):
    make_member(unit=org.grassroots_b1, national_id="094090123456", birth_date=D(1990, 1, 1))
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        make_member(national_id="094090123456", birth_date=D(1990, 1, 1))
    assert code_of(excinfo) == "national_id_taken"
    assert "DB-1" in str(excinfo.value.error_list[0].params["unit"])
    assert state() == before


def test_the_database_also_refuses_a_duplicate_national_id(org):
    make_member(national_id="094090123456", birth_date=D(1990, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(full_name="X", search_key="x", gender="male", birth_year=1990,
                              national_id="094090123456")


def test_admission_opens_an_active_span(member, org):
    span = selectors.current_membership(member)
    assert span.unit == org.grassroots_a1 and span.status == Membership.Status.ACTIVE
    member.refresh_from_db()
    assert member.joined_on == D(2015, 1, 1)


def test_one_person_never_has_two_open_spans(member, org):
    refused("already_member", services.admit_member, member=member, unit=org.grassroots_b1,
            on=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=member, unit=org.grassroots_b1, status="active",
                                  start=D(2020, 1, 1), start_reason="admitted")


def test_spans_never_overlap(member, org):
    services.leave_union(actor=None, member=member, on=D(2018, 1, 1), reason="left_job")
    # Re-admission dated inside the closed span would overlap it.
    refused("readmit_too_soon", services.readmit_member, member=member, unit=org.grassroots_b1,
            on=D(2016, 1, 1))


def test_a_span_only_belongs_to_a_grassroots_union_that_existed_then(org):
    person = make_member(birth_date=D(1970, 1, 1))
    refused("not_grassroots", services.admit_member, member=person, unit=org.district_a,
            on=D(2020, 1, 1))
    refused("unit_not_there", services.admit_member, member=person, unit=org.grassroots_a1,
            on=D(1999, 1, 1))
    org_services.dissolve_unit(actor=None, unit=org.grassroots_a2, on=D(2024, 1, 1))
    refused("unit_ends", services.admit_member, member=person, unit=org.grassroots_a2,
            on=D(2023, 1, 1))


def test_dates_are_not_in_the_future_nor_before_birth(org):
    person = make_member(birth_date=D(1990, 5, 17))
    refused("date_in_future", services.admit_member, member=person, unit=org.grassroots_a1,
            on=dt.date.today() + dt.timedelta(days=1))
    refused("date_before_birth", services.admit_member, member=person, unit=org.grassroots_a1,
            on=D(1990, 5, 16))
    refused("date_required", services.admit_member, member=person, unit=org.grassroots_a1,
            on=None)


def test_admission_checks_age(org, settings):
    person = make_member(birth_date=D(2005, 6, 1))
    refused("too_young", services.admit_member, member=person, unit=org.grassroots_a1,
            on=D(2020, 5, 31))
    settings.MEMBERS_MIN_AGE = 18
    refused("too_young", services.admit_member, member=person, unit=org.grassroots_a1,
            on=D(2022, 6, 1))
    services.admit_member(actor=None, member=person, unit=org.grassroots_a1, on=D(2023, 6, 1))


def test_foreign_workers_join_from_the_date_the_law_allows(org):
    person = make_member(nationality="kr", contract_term="indefinite")
    refused("foreign_too_early", services.admit_member, member=person, unit=org.grassroots_a1,
            on=D(2025, 6, 30))
    services.admit_member(actor=None, member=person, unit=org.grassroots_a1, on=D(2025, 7, 1))


def test_foreign_workers_join_with_a_contract_of_twelve_months_or_more(org):
    unknown = make_member(nationality="KR")
    refused("foreign_contract_unknown", services.admit_member, member=unknown,
            unit=org.grassroots_a1, on=D(2025, 8, 1))
    short = make_member(nationality="KR", contract_term="fixed", contract_months=11)
    refused("foreign_contract_short", services.admit_member, member=short,
            unit=org.grassroots_a1, on=D(2025, 8, 1))
    services.update_member(actor=None, member=short, contract_months=12, reason="new contract")
    services.admit_member(actor=None, member=short, unit=org.grassroots_a1, on=D(2025, 8, 1))
    # Vietnamese workers need no contract recorded.
    services.admit_member(actor=None, member=make_member(), unit=org.grassroots_a1,
                          on=D(2025, 8, 1))


def test_contract_length_goes_with_a_fixed_term(org):
    refused("contract_months_required", services.register_member, full_name="A",
            gender="male", birth_year=1990, contract_term="fixed")
    refused("contract_months_without_term", services.register_member, full_name="A",
            gender="male", birth_year=1990, contract_term="indefinite", contract_months=12)
    refused("contract_term_invalid", services.register_member, full_name="A",
            gender="male", birth_year=1990, contract_term="seasonal")


def test_owners_and_managers_of_non_state_employers_are_not_admitted(org):
    owner = make_member(manages_employer=True)
    refused("manages_employer", services.admit_member, member=owner, unit=org.grassroots_a1,
            on=D(2022, 1, 1))
    assert not owner.memberships.exists()


def test_readmission_no_sooner_than_three_months(member, org):
    services.leave_union(actor=None, member=member, on=D(2020, 1, 31), reason="withdrew")
    refused("readmit_too_soon", services.readmit_member, member=member, unit=org.grassroots_a2,
            on=D(2020, 4, 29))
    refused("was_member", services.admit_member, member=member, unit=org.grassroots_a2,
            on=D(2021, 1, 1))
    span = services.readmit_member(actor=None, member=member, unit=org.grassroots_a2,
                                   on=D(2020, 4, 30))
    assert span.start_reason == Membership.StartReason.READMITTED


def test_the_deceased_are_not_readmitted(member, org):
    services.leave_union(actor=None, member=member, on=D(2020, 1, 1), reason="deceased")
    refused("deceased", services.readmit_member, member=member, unit=org.grassroots_a1,
            on=D(2022, 1, 1))


def test_transfer_closes_and_opens_a_span_the_same_day(member, org):
    services.transfer_member(actor=None, member=member, to_unit=org.grassroots_b1,
                             on=D(2021, 3, 1))
    old, new = selectors.member_timeline(member)
    assert (old.end, old.end_reason) == (D(2021, 3, 1), "transferred")
    assert (new.start, new.unit, new.start_reason) == (D(2021, 3, 1), org.grassroots_b1,
                                                       "transferred")
    refused("same_unit", services.transfer_member, member=member, to_unit=org.grassroots_b1,
            on=D(2022, 1, 1))
    refused("not_a_member", services.transfer_member, member=member, to_unit=org.grassroots_a2,
            on=D(2020, 1, 1))


def test_leave_needs_a_leaving_reason(member):
    refused("leave_reason_invalid", services.leave_union, member=member, on=D(2020, 1, 1),
            reason="transferred")
    services.leave_union(actor=None, member=member, on=D(2020, 1, 1), reason="retired")
    refused("not_a_member", services.leave_union, member=member, on=D(2021, 1, 1),
            reason="retired")


def test_suspension_lasts_at_most_twelve_months(member):
    services.suspend_member(actor=None, member=member, on=D(2020, 3, 1))
    refused("not_active", services.suspend_member, member=member, on=D(2020, 4, 1))
    refused("suspension_too_long", services.resume_member, member=member, on=D(2021, 3, 2))
    span = services.resume_member(actor=None, member=member, on=D(2021, 3, 1))
    assert span.status == Membership.Status.ACTIVE and span.start_reason == "resumed"
    refused("not_suspended", services.resume_member, member=member, on=D(2021, 4, 1))


def test_dissolving_a_grassroots_union_ends_its_memberships(member, org):
    org_services.dissolve_unit(actor=None, unit=org.grassroots_a1, on=D(2025, 7, 1))
    span = member.memberships.get()
    assert (span.end, span.end_reason) == (D(2025, 7, 1), "union_dissolved")


def test_merging_grassroots_unions_carries_members_over(member, org):
    org_services.merge_units(actor=None, sources=[org.grassroots_a1], into=org.grassroots_a2,
                             on=D(2025, 7, 1))
    old, new = selectors.member_timeline(member)
    assert old.end_reason == "reorganised" and new.unit == org.grassroots_a2
    assert new.start_reason == "reorganised"


def test_a_merge_carries_many_members_in_a_few_queries(org, django_assert_max_num_queries):
    people = [make_member(unit=org.grassroots_a1, on=D(2020, 1, 1)) for _ in range(40)]
    for person in people[::4]:
        services.suspend_member(actor=None, member=person, on=D(2025, 6, 1), note="Nghỉ việc")
    district = selectors.count_members(unit=org.district_a, on=D(2025, 7, 1)).as_dict()
    member_entries = AuditEntry.objects.filter(object_type="members.member")
    entries = member_entries.count()
    with django_assert_max_num_queries(40):
        org_services.merge_units(actor=None, sources=[org.grassroots_a1],
                                 into=org.grassroots_b1,
                                 on=D(2025, 7, 1), reason="QĐ 12/QĐ-LĐLĐ")
    for person in people:
        old, new = list(selectors.member_timeline(person))[-2:]
        assert (old.end, old.end_reason) == (D(2025, 7, 1), "reorganised")
        assert (new.unit, new.start, new.status) == (org.grassroots_b1, D(2025, 7, 1), old.status)
        assert new.note == "QĐ 12/QĐ-LĐLĐ" and new.end is None
        assert old.note == ("Nghỉ việc QĐ 12/QĐ-LĐLĐ" if old.status == "suspended"
                            else "QĐ 12/QĐ-LĐLĐ")
    assert Membership.objects.filter(unit=org.grassroots_b1, end__isnull=True).count() == 40
    # Two audit entries per person: the span closed, the span opened.
    assert member_entries.count() - entries == 80
    after = selectors.count_members(unit=org.district_a, on=D(2025, 7, 1)).as_dict()
    assert after["members"] == district["members"] - 40 == 0


def test_a_reorganisation_dated_before_a_members_span_is_refused_whole(org):
    make_member(unit=org.grassroots_a1, on=D(2024, 1, 1))
    before = state()
    with pytest.raises(ValidationError):
        org_services.dissolve_unit(actor=None, unit=org.grassroots_a1, on=D(2023, 1, 1))
    assert state() == before
    assert org.grassroots_a1.versions.get().valid_to is None


def test_every_change_is_audited(member, org):
    services.transfer_member(actor=None, member=member, to_unit=org.grassroots_b1,
                             on=D(2021, 3, 1))
    operations = list(AuditEntry.objects.filter(object_id=str(member.pk),
                                                object_type="members.member")
                      .values_list("operation", flat=True))
    assert operations.count("transfer") == 2 and "admit" in operations


def test_a_union_holding_members_cannot_stop_being_a_grassroots_union(member, org):
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        org_services.change_unit_kind(actor=None, unit=org.grassroots_a1, kind="commune",
                                      on=D(2025, 7, 1))
    assert code_of(excinfo) == "still_holds_members"
    assert state() == before
    # A guild holds members too, so that reclassification is allowed.
    org_services.change_unit_kind(actor=None, unit=org.grassroots_a1, kind="guild",
                                  on=D(2025, 7, 1))
