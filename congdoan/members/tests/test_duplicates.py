import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings

from congdoan.accounts.scope import Scope
from congdoan.core.models import AuditEntry
from congdoan.members import duplicates, merging, selectors, services
from congdoan.members.models import DuplicatePair, Member, Membership
from congdoan.org.kinds import UnitKind
from congdoan.testing import make_member, make_unit

D = dt.date
BORN = D(1990, 5, 17)
Status = DuplicatePair.Status
EVERYTHING = Scope(role="admin", unit=None, is_everything=True)


def found(unit, full_name="Nguyễn Văn An", birth_date=BORN, birth_year=None, **extra):
    """The names of the candidates for a person described so, registering in `unit`."""
    return [
        (member.full_name, score)
        for member, score in duplicates.candidates(
            full_name=full_name, birth_date=birth_date, birth_year=birth_year, unit=unit, **extra
        )
    ]


def pairs() -> set[tuple[str, str, str]]:
    return {
        (pair.first.full_name, pair.second.full_name, pair.status)
        for pair in DuplicatePair.objects.select_related("first", "second")
    }


@pytest.fixture
def an(org):
    return make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An", birth_date=BORN)


@pytest.fixture
def other_province(org):
    province = make_unit(code="P2", name="LĐLĐ tỉnh Khác", kind=UnitKind.PROVINCE)
    district = make_unit(code="P2-D", kind=UnitKind.DISTRICT, parent=province)
    return make_unit(code="P2-D-1", name="CĐCS tỉnh khác", parent=district)


# --- finding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    ["Nguyễn Văn An", "Nguyen Van  An", "Nguyễn Văn Ân", "NGUYỄN VĂN AN", "An Nguyễn Văn"],
)
def test_accent_case_spacing_and_word_order_variants_are_the_same_name(an, org, variant):
    assert found(org.grassroots_b2, variant) == [("Nguyễn Văn An", 100)]


@pytest.mark.parametrize("typo", ["Ngyuen Van An", "Nguyễn Văn Anh", "Nguễn Văn An"])
def test_a_typo_still_finds_the_person(an, org, typo):
    [(name, score)] = found(org.grassroots_b2, typo)
    assert name == "Nguyễn Văn An" and 90 <= score < 100


def test_a_different_given_name_is_another_person(an, org):
    # Character-level ratios rate this pair 92; one edit per ten letters does not.
    assert found(org.grassroots_a1, "Nguyễn Văn Ba") == []
    assert found(org.grassroots_a1, "Nguyễn Văn Bình") == []


def test_the_threshold_is_a_setting(an, org):
    with override_settings(MEMBERS_DUPLICATE_NAME_SCORE=80):
        assert [name for name, _ in found(org.grassroots_a1, "Nguyễn Văn Ba")] == ["Nguyễn Văn An"]


def test_a_different_birth_date_is_another_person(an, org):
    assert found(org.grassroots_a1, birth_date=D(1990, 5, 18)) == []
    assert found(org.grassroots_a1, birth_date=None, birth_year=1991) == []


def test_a_year_of_birth_alone_matches_any_date_of_that_year(org):
    make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An", birth_date=None, birth_year=1990)
    make_member(unit=org.grassroots_a2, full_name="Nguyễn Văn An", birth_date=D(1990, 1, 2))
    # A date finds the year-only record, not another date of that year.
    assert len(found(org.grassroots_b1, birth_date=BORN)) == 1
    # A year alone finds both.
    assert len(found(org.grassroots_b1, birth_date=None, birth_year=1990)) == 2


def test_another_province_is_not_searched(an, org, other_province):
    assert found(other_province) == []
    make_member(unit=other_province, full_name="Nguyễn Văn An", birth_date=BORN)
    assert found(org.grassroots_b1) == [("Nguyễn Văn An", 100)]


def test_the_province_is_that_of_the_standing_membership(an, org, other_province):
    services.transfer_member(actor=None, member=an, to_unit=other_province, on=D(2020, 1, 1))
    assert found(org.grassroots_a1) == []
    assert found(other_province) == [("Nguyễn Văn An", 100)]


def test_two_national_ids_are_two_people(org):
    make_member(
        unit=org.grassroots_a1,
        full_name="Nguyễn Văn An",
        birth_date=BORN,
        national_id="094090123456",
    )
    assert found(org.grassroots_a2, national_id="094090654321") == []
    # Without a number on one side, the similarity is worth a look.
    assert len(found(org.grassroots_a2)) == 1


def test_records_merged_away_and_the_person_themself_are_left_out(an, org):
    assert found(org.grassroots_a1, exclude_pk=an.pk) == []
    twin = make_member(full_name="Nguyen Van An", birth_date=BORN)
    assert len(found(org.grassroots_a1)) == 1  # no membership, so no province
    services.leave_union(actor=None, member=an, on=D(2016, 1, 1), reason="retired")
    services.admit_member(actor=None, member=twin, unit=org.grassroots_b1, on=D(2017, 1, 1))
    merging.merge(actor=None, pair_or_members=(an, twin), keep=an, reason="Cùng một người")
    assert found(org.grassroots_a1) == [("Nguyễn Văn An", 100)]


def test_province_of_a_unit_is_its_province_federation_else_the_top(org):
    assert duplicates.province_of(org.grassroots_a1) == org.province
    assert duplicates.province_of(org.province) == org.province
    sector = make_unit(code="S", kind=UnitKind.SECTOR)
    union = make_unit(code="S-1", parent=sector)
    assert duplicates.province_of(union) == sector


def test_flagging_stores_each_pair_once(an, org):
    twin = make_member(unit=org.grassroots_b1, full_name="Nguyen Van An", birth_date=BORN)
    [pair] = duplicates.flag_duplicates(twin)
    assert (pair.first, pair.second, pair.status, pair.score) == (an, twin, Status.OPEN, 100)
    assert duplicates.flag_duplicates(an) == []
    assert duplicates.flag_duplicates(twin) == []
    assert DuplicatePair.objects.count() == 1


# --- scanning -----------------------------------------------------------------------------


def test_the_scan_finds_the_pairs_of_each_province_once(org, other_province):
    make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An", birth_date=BORN)
    make_member(unit=org.grassroots_b1, full_name="Nguyen Van An", birth_date=None, birth_year=1990)
    make_member(unit=org.grassroots_b2, full_name="Trần Thị Bình", birth_date=BORN, gender="female")
    make_member(unit=other_province, full_name="Nguyễn Văn An", birth_date=BORN)
    make_member(unit=other_province, full_name="Nguyễn Văn An", birth_date=D(1991, 5, 17))
    assert duplicates.scan() == 1
    assert pairs() == {("Nguyễn Văn An", "Nguyen Van An", Status.OPEN)}
    assert duplicates.scan() == 0
    assert DuplicatePair.objects.count() == 1


def test_a_scan_of_a_subtree_compares_it_with_its_whole_province(org):
    make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An", birth_date=BORN)
    make_member(unit=org.grassroots_b1, full_name="Nguyễn Văn  An", birth_date=BORN)
    make_member(unit=org.grassroots_b1, full_name="Lê Thị Hoa", birth_date=BORN, gender="female")
    make_member(unit=org.grassroots_b2, full_name="Le Thi Hoa", birth_date=BORN, gender="female")
    assert duplicates.scan(unit=org.district_a) == 1
    assert pairs() == {("Nguyễn Văn An", "Nguyễn Văn An", Status.OPEN)}
    assert duplicates.scan(unit=org.province) == 1
    assert len(pairs()) == 2


def test_the_scan_skips_pairs_already_resolved(an, org):
    twin = make_member(unit=org.grassroots_b1, full_name="Nguyen Van An", birth_date=BORN)
    [pair] = duplicates.flag_duplicates(twin)
    merging.mark_distinct(actor=None, pair=pair, reason="Hai người khác nhau")
    assert duplicates.scan() == 0
    assert pairs() == {("Nguyễn Văn An", "Nguyen Van An", Status.DISTINCT)}


def test_the_scan_leaves_out_two_people_with_national_ids(org):
    make_member(
        unit=org.grassroots_a1,
        full_name="Nguyễn Văn An",
        birth_date=BORN,
        national_id="094090123456",
    )
    make_member(
        unit=org.grassroots_a2,
        full_name="Nguyễn Văn An",
        birth_date=BORN,
        national_id="094090654321",
    )
    assert duplicates.scan() == 0


# --- different people ---------------------------------------------------------------------


def test_marking_two_people_different_is_audited_and_final(an, org, users):
    twin = make_member(unit=org.grassroots_b1, full_name="Nguyen Van An", birth_date=BORN)
    [pair] = duplicates.flag_duplicates(twin)
    merging.mark_distinct(actor=users.clerk, pair=pair, reason="Khác quê")
    pair.refresh_from_db()
    assert (pair.status, pair.resolved_by) == (Status.DISTINCT, users.clerk)
    assert pair.resolved_at is not None
    entry = AuditEntry.objects.get(object_type="members.duplicatepair", object_id=str(pair.pk))
    assert (entry.operation, entry.reason, entry.after["status"]) == (
        "distinct",
        "Khác quê",
        "distinct",
    )
    with pytest.raises(ValidationError) as excinfo:
        merging.mark_distinct(actor=None, pair=pair)
    assert excinfo.value.error_list[0].code == "pair_resolved"


def test_recording_people_as_different_closes_or_creates_their_pairs(an, org):
    twin = make_member(unit=org.grassroots_b1, full_name="Nguyen Van An", birth_date=BORN)
    third = make_member(unit=org.grassroots_b2, full_name="Nguyễn Văn Ân", birth_date=BORN)
    duplicates.flag_duplicates(twin)
    merging.record_distinct(actor=None, member=third, others=[an, twin])
    merging.record_distinct(actor=None, member=twin, others=[an])
    assert {status for _, _, status in pairs()} == {Status.DISTINCT}
    assert DuplicatePair.objects.count() == 3
    assert duplicates.scan() == 0


# --- merging ------------------------------------------------------------------------------


@pytest.fixture
def history(org):
    """One person recorded twice: in A1 2015–2018 with a national ID, in B1 since 2019."""
    old = make_member(
        unit=org.grassroots_a1,
        full_name="Nguyễn Văn An",
        birth_date=None,
        birth_year=1990,
        on=D(2015, 1, 1),
        national_id="094090123456",
        phone="0912345678",
    )
    services.leave_union(actor=None, member=old, on=D(2018, 6, 1), reason="left_job")
    new = make_member(
        unit=org.grassroots_b1,
        full_name="Nguyen Van  An",
        birth_date=BORN,
        on=D(2019, 3, 1),
        phone="0987654321",
        card_number="CD-1",
        employer_name="Công ty May",
    )
    [pair] = duplicates.flag_duplicates(new)
    return old, new, pair


def counts(org):
    return [
        selectors.count_members(unit=unit, on=on, structure=structure)
        for unit in (org.province, org.district_a, org.district_b, org.grassroots_b1)
        for on in (D(2016, 1, 1), D(2018, 12, 1), D(2020, 1, 1))
        for structure in selectors.STRUCTURES
    ]


def test_a_merge_keeps_both_histories_and_every_count(org, users, history):
    old, new, pair = history
    before = counts(org)
    spans = Membership.objects.count()
    kept = merging.merge(
        actor=users.province_manager, pair_or_members=pair, keep=new, reason="Cùng CCCD gốc"
    )
    assert kept == new
    assert counts(org) == before
    assert Membership.objects.count() == spans and Member.objects.count() == 2
    timeline = list(selectors.member_timeline(new))
    assert [(s.unit.code, s.start, s.end, s.start_reason) for s in timeline] == [
        ("DA-1", D(2015, 1, 1), D(2018, 6, 1), "admitted"),
        ("DB-1", D(2019, 3, 1), None, "readmitted"),
    ]
    old.refresh_from_db()
    assert old.merged_into == new and not old.memberships.exists()
    pair.refresh_from_db()
    assert (pair.status, pair.resolved_by) == (Status.MERGED, users.province_manager)


def test_a_merge_fills_empty_details_and_keeps_the_kept_ones(org, history):
    old, new, pair = history
    merging.merge(actor=None, pair_or_members=pair, keep=new, reason="Cùng một người")
    new.refresh_from_db()
    old.refresh_from_db()
    # The national ID moves (the merged-away record lets go of it first).
    assert new.national_id == "094090123456" and old.national_id is None
    # Both had a phone: the kept record's stays, and the other stays on the merged-away one.
    assert new.phone == "0987654321" and old.phone == "0912345678"
    assert new.card_number == "CD-1" and new.birth_date == BORN
    assert new.joined_on == D(2015, 1, 1)


def test_a_merge_is_audited_on_both_records(org, users, history):
    old, new, pair = history
    merging.merge(actor=users.admin, pair_or_members=pair, keep=new, reason="Cùng một người")
    kept_entries = AuditEntry.objects.filter(
        object_id=str(new.pk), object_type="members.member", operation="merge"
    )
    person = kept_entries.get(after__has_key="full_name")
    assert person.before["national_id"] is None
    assert person.after["national_id"] == "094090123456"
    assert person.reason == "Cùng một người" and person.actor == users.admin
    # The span that came over, and the span whose admission became a re-admission.
    assert kept_entries.filter(after__has_key="unit_id").count() == 2
    dropped = AuditEntry.objects.get(
        object_type="members.member", object_id=str(old.pk), operation="merge"
    )
    assert dropped.before["phone"] == "0912345678"
    assert dropped.before["national_id"] == "094090123456" and dropped.after["national_id"] is None
    assert dropped.after["merged_into_id"] == new.pk
    assert AuditEntry.objects.filter(
        object_type="members.duplicatepair", operation="merge", object_id=str(pair.pk)
    ).exists()


def test_overlapping_histories_are_refused_saying_which(org, history):
    old, new, pair = history
    third = make_member(
        unit=org.grassroots_a2, full_name="Nguyễn Văn An", birth_date=BORN, on=D(2017, 1, 1)
    )
    before = (list(Membership.objects.values_list()), list(Member.objects.values_list()))
    with pytest.raises(ValidationError) as excinfo:
        merging.merge(actor=None, pair_or_members=(third, old), keep=third, reason="x")
    error = excinfo.value.error_list[0]
    assert error.code == "merge_overlap"
    # Both of third's… and old's periods, with the unions' names.
    assert "CĐCS A2 01/01/2017 – …" in error.params["periods"]
    assert "CĐCS A1 01/01/2015 – 01/06/2018" in error.params["periods"]
    assert (list(Membership.objects.values_list()), list(Member.objects.values_list())) == before


def test_two_national_ids_are_never_merged(org):
    one = make_member(
        unit=org.grassroots_a1,
        full_name="Nguyễn Văn An",
        national_id="094090123456",
        on=D(2015, 1, 1),
    )
    services.leave_union(actor=None, member=one, on=D(2016, 1, 1), reason="left_job")
    two = make_member(
        unit=org.grassroots_a2,
        full_name="Nguyễn Văn An",
        national_id="094090654321",
        on=D(2017, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        merging.merge(actor=None, pair_or_members=(one, two), keep=one, reason="x")
    assert excinfo.value.error_list[0].code == "merge_two_national_ids"


def test_a_merge_needs_a_reason_and_an_open_pair(org, history):
    old, new, pair = history
    with pytest.raises(ValidationError) as excinfo:
        merging.merge(actor=None, pair_or_members=pair, keep=new, reason="  ")
    assert excinfo.value.error_list[0].code == "merge_reason_required"
    merging.mark_distinct(actor=None, pair=pair)
    with pytest.raises(ValidationError) as excinfo:
        merging.merge(actor=None, pair_or_members=pair, keep=new, reason="x")
    assert excinfo.value.error_list[0].code == "pair_resolved"


def test_a_record_merged_away_cannot_be_merged_again(org, history):
    old, new, pair = history
    merging.merge(actor=None, pair_or_members=pair, keep=old, reason="x")
    with pytest.raises(ValidationError) as excinfo:
        merging.merge(actor=None, pair_or_members=(old, new), keep=new, reason="x")
    assert excinfo.value.error_list[0].code == "already_merged"
    assert duplicates.kept_record(new.pk) == old
    assert duplicates.kept_record(old.pk) is None


def test_the_merged_away_records_other_questions_pass_to_the_kept_one(org):
    old = make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn Anh", on=D(2015, 1, 1))
    services.leave_union(actor=None, member=old, on=D(2018, 6, 1), reason="left_job")
    new = make_member(unit=org.grassroots_b1, full_name="Nguyễn Văn An", on=D(2019, 1, 1))
    services.leave_union(actor=None, member=new, on=D(2020, 1, 1), reason="left_job")
    [pair] = duplicates.flag_duplicates(new)
    other = make_member(unit=org.grassroots_b2, full_name="Nguyễn Văn A", on=D(2021, 1, 1))
    [other_pair] = duplicates.flag_duplicates(other)
    assert {other_pair.first_id, other_pair.second_id} == {new.pk, other.pk}
    merging.merge(actor=None, pair_or_members=pair, keep=old, reason="x")
    other_pair.refresh_from_db()
    assert (other_pair.first_id, other_pair.second_id) == (old.pk, other.pk)
    assert other_pair.status == Status.OPEN
    assert list(duplicates.reviewable_pairs(EVERYTHING)) == [other_pair]


def test_a_question_already_asked_of_the_kept_record_is_closed(org, history):
    old, new, pair = history
    services.leave_union(actor=None, member=new, on=D(2020, 1, 1), reason="left_job")
    other = make_member(unit=org.grassroots_b2, full_name="Nguyễn Văn Ấn", on=D(2021, 1, 1))
    assert len(duplicates.flag_duplicates(other)) == 2
    merging.merge(actor=None, pair_or_members=pair, keep=old, reason="x")
    assert [(p.first_id, p.second_id) for p in duplicates.reviewable_pairs(EVERYTHING)] == [
        (old.pk, other.pk)
    ]
    assert DuplicatePair.objects.filter(status=Status.MERGED).count() == 2


# --- command line -------------------------------------------------------------------------


def test_the_cli_scans_and_says_what_is_open(an, org, capsys):
    make_member(unit=org.grassroots_b1, full_name="Nguyen Van An", birth_date=BORN)
    call_command("members", "duplicates", "--unit", "DB", "--json")
    assert json.loads(capsys.readouterr().out) == {"unit": "DB", "flagged": 1, "open": 1}
    call_command("members", "duplicates", "--json")
    assert json.loads(capsys.readouterr().out) == {"unit": None, "flagged": 0, "open": 1}
    call_command("members", "duplicates", "--unit", "DA-2", "--json")
    assert json.loads(capsys.readouterr().out) == {"unit": "DA-2", "flagged": 0, "open": 0}
    call_command("members", "duplicates")
    assert "0" in capsys.readouterr().out


def test_the_cli_refuses_an_unknown_unit(db):
    with pytest.raises(CommandError) as excinfo:
        call_command("members", "duplicates", "--unit", "NOPE")
    assert excinfo.value.returncode == 2
