"""The bulk path keeps exactly the per-row services' invariants and gives the same result."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from congdoan.core.models import AuditEntry
from congdoan.members import selectors, services
from congdoan.members.bulk import BulkLoadError, PersonHistory, load_member_histories
from congdoan.members.models import LEAVING_REASONS, Member, Membership
from congdoan.org import services as org_services
from congdoan.testing import make_member

D = dt.date
TOMORROW = dt.date.today() + dt.timedelta(days=1)


def person(name="Trần Thị Mai", *spans, **fields):
    fields = {"gender": "female", "birth_date": D(1985, 3, 9), **fields}
    return PersonHistory({"full_name": name, **fields}, list(spans))


def span(unit, start, end=None, how="admitted", why="", status="active"):
    return {"unit": unit, "status": status, "start": start, "end": end,
            "start_reason": how, "end_reason": why}


def admitted(unit, start, end=None, why="", **kw):
    return span(unit, start, end, "admitted", why, **kw)


def state():
    return (Member.objects.count(), Membership.objects.count(), AuditEntry.objects.count())


def replay(history: PersonHistory) -> Member:
    """The same history entered span by span through the per-row services."""
    member = services.register_member(actor=None, **history.person)
    spans = sorted(history.spans, key=lambda s: s["start"])
    opened = False
    for i, s in enumerate(spans):
        unit, start, how = s["unit"], s["start"], s["start_reason"]
        if not opened:
            if how == "admitted":
                services.admit_member(actor=None, member=member, unit=unit, on=start)
            elif how == "readmitted":
                services.readmit_member(actor=None, member=member, unit=unit, on=start)
            elif how == "transferred":
                services.transfer_member(actor=None, member=member, to_unit=unit, on=start)
            elif how == "suspended":
                services.suspend_member(actor=None, member=member, on=start)
            else:
                services.resume_member(actor=None, member=member, on=start)
        opened, end, why = False, s["end"], s["end_reason"]
        if end is None:
            continue
        if why == "transferred":
            to_unit = spans[i + 1]["unit"]
            services.transfer_member(actor=None, member=member, to_unit=to_unit, on=end)
        elif why == "suspended":
            services.suspend_member(actor=None, member=member, on=end)
        elif why == "resumed":
            services.resume_member(actor=None, member=member, on=end)
        else:
            services.leave_union(actor=None, member=member, on=end, reason=why)
        opened = why not in LEAVING_REASONS
    return member


def code_per_row(history: PersonHistory) -> str:
    with pytest.raises(ValidationError) as excinfo, transaction.atomic():
        replay(history)
    return excinfo.value.error_list[0].code


def codes_in_bulk(*people) -> list[tuple[int, str]]:
    before = state()
    with pytest.raises(BulkLoadError) as excinfo:
        load_member_histories(actor=None, people=list(people), batch_size=2)
    assert state() == before, "nothing is written"
    return [(p.index, p.code) for p in excinfo.value.problems]


def broken_histories(org):
    a1, a2, b1 = org.grassroots_a1, org.grassroots_a2, org.grassroots_b1
    return {
        "date_in_future": person("A", admitted(a1, TOMORROW)),
        "date_before_birth": person("B", admitted(a1, D(1985, 3, 8))),
        "too_young": person("C", admitted(a1, D(2020, 5, 31)), birth_date=D(2005, 6, 1)),
        "foreign_too_early": person("D", admitted(a1, D(2025, 6, 30)), nationality="kr"),
        "foreign_contract_short": person(
            "D2", admitted(a1, D(2025, 8, 1)), nationality="kr", contract_term="fixed",
            contract_months=6,
        ),
        "manages_employer": person("D3", admitted(a1, D(2020, 1, 1)), manages_employer=True),
        "not_grassroots": person("E", admitted(org.district_a, D(2020, 1, 1))),
        "unit_not_there": person("F", admitted(a1, D(1999, 12, 31)), birth_date=D(1970, 1, 1)),
        "unit_ends": person("G", admitted(a2, D(2023, 1, 1))),
        "already_member": person("H", admitted(a1, D(2015, 1, 1)), admitted(b1, D(2016, 1, 1))),
        "readmit_too_soon": person(
            "I", admitted(a1, D(2015, 1, 1), D(2020, 1, 31), "withdrew"),
            span(b1, D(2020, 4, 29), how="readmitted"),
        ),
        "was_member": person(
            "J", admitted(a1, D(2015, 1, 1), D(2020, 1, 31), "left_job"),
            admitted(b1, D(2021, 1, 1)),
        ),
        "deceased": person(
            "K", admitted(a1, D(2015, 1, 1), D(2020, 1, 1), "deceased"),
            span(b1, D(2022, 1, 1), how="readmitted"),
        ),
        "never_left": person("L", span(a1, D(2015, 1, 1), how="readmitted")),
        "not_a_member": person("M", span(a1, D(2015, 1, 1), how="transferred")),
        "same_unit": person(
            "N", admitted(a1, D(2015, 1, 1), D(2021, 3, 1), "transferred"),
            span(a1, D(2021, 3, 1), how="transferred"),
        ),
        "not_active": person(
            "O", admitted(a1, D(2015, 1, 1), D(2020, 3, 1), "suspended"),
            span(a1, D(2020, 3, 1), D(2020, 4, 1), "suspended", "suspended", "suspended"),
            span(a1, D(2020, 4, 1), how="suspended", status="suspended"),
        ),
        "not_suspended": person(
            "P", admitted(a1, D(2015, 1, 1), D(2020, 3, 1), "resumed"),
            span(a1, D(2020, 3, 1), how="resumed"),
        ),
        "suspension_too_long": person(
            "Q", admitted(a1, D(2015, 1, 1), D(2020, 3, 1), "suspended"),
            span(a1, D(2020, 3, 1), D(2021, 3, 2), "suspended", "resumed", "suspended"),
            span(a1, D(2021, 3, 2), how="resumed"),
        ),
        "date_before_span": person("R", admitted(a1, D(2015, 1, 1), D(2015, 1, 1), "retired")),
        "leave_reason_invalid": person("S", admitted(a1, D(2015, 1, 1), D(2016, 1, 1), "bored")),
        "cccd_year": person("T", admitted(a1, D(2015, 1, 1)), national_id="094186000001"),
        "cccd_gender": person("U", admitted(a1, D(2015, 1, 1)), national_id="094085000001"),
        "name_required": person("", admitted(a1, D(2015, 1, 1))),
        "birth_required": person("V", admitted(a1, D(2015, 1, 1)), birth_date=None),
        "national_id_taken": person("W", admitted(a1, D(2015, 1, 1)), national_id="094185000009"),
        "card_taken": person("X", admitted(a1, D(2015, 1, 1)), card_number="ST-0009"),
    }


@pytest.fixture
def broken(org):
    org_services.dissolve_unit(actor=None, unit=org.grassroots_a2, on=D(2024, 1, 1))
    make_member(unit=org.grassroots_b2, national_id="094185000009", birth_date=D(1985, 1, 1),
                gender="female", card_number="ST-0009")
    return broken_histories(org)


def test_each_broken_invariant_is_refused_with_the_per_row_services_code(broken, org):
    good = person("Lê Văn Tốt", admitted(org.grassroots_b1, D(2010, 1, 1)), gender="male")
    for code, history in broken.items():
        assert code_per_row(history) == code
        # The broken person sits between valid ones, in the second batch of two.
        assert codes_in_bulk(good, good, history, good) == [(2, code)], code


def test_every_problem_of_a_batch_is_listed_with_its_index(broken):
    people = list(broken.values())
    problems = codes_in_bulk(*people)
    assert problems == [(i, code) for i, code in enumerate(broken)]


def test_the_same_national_id_or_card_twice_in_one_load_is_refused(org):
    unit = org.grassroots_a1
    twin = {"national_id": "094185000011", "birth_date": D(1985, 2, 2)}
    assert codes_in_bulk(
        person("A", admitted(unit, D(2015, 1, 1)), **twin),
        person("B", admitted(unit, D(2015, 1, 1)), **twin),
        person("C", admitted(unit, D(2015, 1, 1)), card_number="T-1"),
        person("D", admitted(unit, D(2015, 1, 1)), card_number="T-1"),
    ) == [(1, "national_id_taken"), (3, "card_taken")]


def test_histories_the_services_cannot_leave_are_refused(org):
    a1, b1 = org.grassroots_a1, org.grassroots_b1
    assert codes_in_bulk(
        # a transfer that does not open a span that day
        person("A", admitted(a1, D(2015, 1, 1), D(2020, 1, 1), "transferred")),
        person("B", admitted(a1, D(2015, 1, 1), D(2020, 1, 1), "transferred"),
               span(b1, D(2020, 2, 1), how="transferred")),
        # the wrong status for how it began
        person("C", admitted(a1, D(2015, 1, 1), status="suspended")),
        # an end reason without an end
        person("D", admitted(a1, D(2015, 1, 1), why="retired")),
        # a span beginning inside an open one
        person("E", admitted(a1, D(2015, 1, 1)), span(b1, D(2016, 1, 1), how="transferred")),
        # carried over by a reorganisation that did not happen
        person("F", admitted(a1, D(2015, 1, 1), D(2020, 1, 1), "reorganised"),
               span(b1, D(2020, 1, 1), how="reorganised")),
        person("G", admitted(99999, D(2015, 1, 1))),
    ) == [(0, "span_not_continued"), (1, "span_not_continued"), (2, "span_invalid"),
          (3, "span_invalid"), (4, "overlap"), (5, "not_reorganised"), (6, "unit_not_there")]


def histories(org):
    a1, a2, b1, b2 = org.grassroots_a1, org.grassroots_a2, org.grassroots_b1, org.grassroots_b2
    return [
        person("Nguyễn Văn An", admitted(a1, D(2012, 5, 1)), gender="male",
               birth_date=D(1990, 1, 2), national_id="094090123456", card_number="ST-1"),
        person("Thạch Thị Sa Rươne", admitted(a1, D(2016, 1, 1), D(2021, 3, 1), "transferred"),
               span(b1, D(2021, 3, 1), how="transferred"), ethnicity="Khmer",
               religion="Phật giáo"),
        person("Lê Thị Bé", admitted(b1, D(2010, 1, 1), D(2019, 6, 30), "left_job"),
               span(b2, D(2020, 1, 15), D(2024, 2, 1), "readmitted", "retired"),
               birth_date=None, birth_year=1964),
        person("Huỳnh Văn Bảy",
               admitted(b2, D(2018, 1, 1), D(2020, 3, 1), "suspended"),
               span(b2, D(2020, 3, 1), D(2021, 1, 10), "suspended", "resumed", "suspended"),
               span(b2, D(2021, 1, 10), D(2022, 8, 1), "resumed", "transferred"),
               span(a2, D(2022, 8, 1), how="transferred"), gender="male"),
        person("Danh Sóc", admitted(a2, D(2023, 9, 9), D(2025, 1, 1), "deceased"),
               gender="male", birth_date=D(2001, 7, 7), national_id="094201000777"),
        person("Kim Min-jun", admitted(b1, D(2025, 7, 1)), gender="male", nationality="KR",
               contract_term="indefinite"),
        person("Võ Thị Hai"),  # registered, never a member
    ]


def timelines():
    return sorted(
        (m.full_name, m.search_key, m.birth_year, m.national_id, m.joined_on,
         tuple(selectors.member_timeline(m).values_list(
             "unit__code", "status", "start", "end", "start_reason", "end_reason")))
        for m in Member.objects.all()
    )


def figures(org, days):
    units = [org.province, org.district_a, org.district_b, org.grassroots_a1, org.grassroots_b2]
    return [
        selectors.count_members(unit=unit, on=day, structure=structure)
        for unit in units for day in days for structure in ("as-was", "current")
    ]


def test_a_valid_load_writes_exactly_the_spans_given_and_one_audit_entry_per_batch(org):
    people = histories(org)
    result = load_member_histories(actor=None, people=people, batch_size=3, reason="Tệp thử")
    assert (result.members, result.batches) == (7, 3)
    assert result.spans == Membership.objects.count() == sum(len(p.spans) for p in people)
    mai = Member.objects.get(pk=result.member_ids[1])
    assert list(selectors.member_timeline(mai).values_list("unit", "start", "end")) == [
        (org.grassroots_a1.pk, D(2016, 1, 1), D(2021, 3, 1)),
        (org.grassroots_b1.pk, D(2021, 3, 1), None),
    ]
    assert mai.joined_on == D(2016, 1, 1) and mai.search_key == "thach thi sa ruone"
    entries = AuditEntry.objects.filter(operation="bulk_load").order_by("pk")
    assert [e.after["members"] for e in entries] == [3, 3, 1]
    assert entries[0].object_id == str(result.member_ids[0]) and entries[0].reason == "Tệp thử"
    assert AuditEntry.objects.filter(object_type="members.member").count() == 3


def test_the_result_equals_what_the_per_row_services_leave(org):
    days = [D(2015, 1, 1), D(2020, 6, 1), D(2021, 3, 1), D(2022, 12, 31), D(2024, 6, 1),
            dt.date.today()]
    with transaction.atomic():
        for history in histories(org):
            replay(history)
        per_row = (timelines(), figures(org, days))
        transaction.set_rollback(True)
    assert not Member.objects.exists()
    load_member_histories(actor=None, people=histories(org))
    assert (timelines(), figures(org, days)) == per_row


def test_members_carried_over_by_a_merge_load_as_the_hook_leaves_them(org):
    """Per row: admit, then merge (the hook carries the span). Bulk: merge, then load."""
    a1, a2 = org.grassroots_a1, org.grassroots_a2
    merged_on = D(2024, 1, 1)
    days = [D(2023, 12, 31), merged_on, dt.date.today()]
    with transaction.atomic():
        replay(person("Phạm Văn Hòa", admitted(a1, D(2015, 1, 1)), gender="male"))
        org_services.merge_units(actor=None, sources=[a1], into=a2, on=merged_on)
        per_row = (timelines(), figures(org, days))
        transaction.set_rollback(True)
    org_services.merge_units(actor=None, sources=[a1], into=a2, on=merged_on)
    load_member_histories(actor=None, people=[person(
        "Phạm Văn Hòa", admitted(a1, D(2015, 1, 1), merged_on, "reorganised"),
        span(a2, merged_on, how="reorganised"), gender="male",
    )])
    assert (timelines(), figures(org, days)) == per_row
