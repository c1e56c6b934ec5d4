import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.html import escape

from congdoan.core.models import AuditEntry
from congdoan.members import duplicates, errors, merging, selectors, services
from congdoan.members.forms_duplicates import STALE, pair_token
from congdoan.members.models import DuplicatePair, Member, Membership
from congdoan.testing import make_member

D = dt.date
BORN = D(1990, 5, 17)
Status = DuplicatePair.Status
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def says(response, message) -> bool:
    """The page shows `message` as the user reads it (every literal part, around its values)."""
    with translation.override("vi"):
        text = str(message)
    page = response.content.decode()
    return all(escape(part.strip()) in page for part in _PLACEHOLDER.split(text) if part.strip())


def state():
    return (
        list(Member.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list()),
        list(DuplicatePair.objects.order_by("pk").values_list()),
    )


@pytest.fixture
def as_clerk(client, users):
    client.force_login(users.clerk)
    return client


@pytest.fixture
def as_huyen_a(client, users):
    client.force_login(users.district_manager)
    return client


# --- the warning on the new member form ---------------------------------------------------


def new_person(org, **extra) -> dict:
    return {
        "full_name": "Nguyen Van  An",
        "gender": "male",
        "born": "17/05/1990",
        "national_id": "",
        "nationality": "VN",
        "unit": org.grassroots_a1.pk,
        "on": "01/03/2024",
        **extra,
    }


def seen(response) -> str:
    return re.search(r'name="duplicates_seen" value="(\w+)"', response.content.decode())[1]


@pytest.fixture
def an(org):
    return make_member(unit=org.grassroots_a1, full_name="Nguyễn Văn An", birth_date=BORN)


def test_a_similar_person_the_user_may_open_is_shown_with_a_link(as_clerk, org, an):
    before = state()
    response = as_clerk.post("/members/new/", new_person(org))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="duplicate-warning"' in page
    assert f'href="/members/{an.pk}/"' in page and "CĐCS A1" in page and "17/05/1990" in page
    assert 'name="different_person"' in page
    assert state() == before


def test_a_similar_person_outside_the_scope_is_shown_by_where_only(as_clerk, org):
    other = make_member(unit=org.grassroots_b1, full_name="Nguyễn Văn Ấn", birth_date=BORN)
    before = state()
    page = as_clerk.post("/members/new/", new_person(org)).content.decode()
    assert 'id="duplicate-warning"' in page and "CĐCS B1" in page
    assert "Nguyễn Văn Ấn" not in page and f"/members/{other.pk}/" not in page
    assert state() == before


def test_the_box_is_shown_only_when_someone_similar_was_found(as_clerk, org, an):
    page = as_clerk.get("/members/new/").content.decode()
    assert 'name="different_person"' not in page and 'id="duplicate-warning"' not in page
    response = as_clerk.post("/members/new/", new_person(org, full_name="Trần Thị Lạ"))
    assert response.status_code == 302


def test_ticking_the_box_registers_the_person_as_someone_else(as_clerk, org, users, an):
    warned = as_clerk.post("/members/new/", new_person(org))
    response = as_clerk.post(
        "/members/new/", new_person(org, different_person="on", duplicates_seen=seen(warned))
    )
    person = Member.objects.exclude(pk=an.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/members/{person.pk}/"
    pair = DuplicatePair.objects.get()
    assert {pair.first, pair.second} == {an, person}
    assert (pair.status, pair.resolved_by) == (Status.DISTINCT, users.clerk)
    assert AuditEntry.objects.filter(
        object_type="members.duplicatepair", object_id=str(pair.pk), actor=users.clerk
    ).exists()
    # The scan will not ask again.
    assert duplicates.scan() == 0


def test_ticking_covers_only_the_people_that_were_shown(as_clerk, org, an):
    warned = as_clerk.post("/members/new/", new_person(org))
    make_member(unit=org.grassroots_b1, full_name="Nguyễn Văn An", birth_date=BORN)
    before = state()
    response = as_clerk.post(
        "/members/new/", new_person(org, different_person="on", duplicates_seen=seen(warned))
    )
    page = response.content.decode()
    assert response.status_code == 200 and "CĐCS B1" in page
    assert 'name="different_person" id="id_different_person" checked' not in page
    assert state() == before
    response = as_clerk.post("/members/new/", new_person(org, different_person="on"))
    assert response.status_code == 200 and state() == before


def test_the_warning_comes_in_the_form_fragment_through_htmx(as_clerk, org, an):
    response = as_clerk.post("/members/new/", new_person(org), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="duplicate-warning"' in page and "<html" not in page


# --- the review list ----------------------------------------------------------------------


@pytest.fixture
def pairs(org):
    """Possible duplicates: one across district A's unions, one inside A1, one across A and B.

    The first is one person recorded twice (A1 until 2018 with a national ID, A2 since 2019).
    """
    old = make_member(
        unit=org.grassroots_a1,
        full_name="Nguyễn Văn An",
        on=D(2015, 1, 1),
        national_id="094090123456",
        phone="0912345678",
    )
    services.leave_union(actor=None, member=old, on=D(2018, 6, 1), reason="left_job")
    new = make_member(unit=org.grassroots_a2, full_name="Nguyen Van An", on=D(2019, 3, 1))
    hoa_old = make_member(
        unit=org.grassroots_a1,
        full_name="Lê Thị Hoa",
        gender="female",
        birth_date=D(1985, 1, 1),
        on=D(2008, 1, 1),
    )
    services.leave_union(actor=None, member=hoa_old, on=D(2010, 1, 1), reason="left_job")
    hoa = make_member(
        unit=org.grassroots_a1,
        full_name="Le Thi Hoa",
        gender="female",
        birth_date=D(1985, 1, 1),
        on=D(2012, 1, 1),
    )
    binh_a = make_member(
        unit=org.grassroots_a2, full_name="Phạm Văn Bình", birth_date=D(1970, 2, 2)
    )
    binh_b = make_member(
        unit=org.grassroots_b1, full_name="Pham Van Binh", birth_date=D(1970, 2, 2)
    )
    assert duplicates.scan() == 3

    def pair_of(a, b):
        return DuplicatePair.objects.get(first=min(a.pk, b.pk), second=max(a.pk, b.pk))

    return {
        "a": pair_of(old, new),
        "a1": pair_of(hoa_old, hoa),
        "ab": pair_of(binh_a, binh_b),
        "old": old,
        "new": new,
    }


def listed(response) -> set[int]:
    return {
        int(pk)
        for pk in re.findall(r'<article class="card" id="pair-(\d+)">', response.content.decode())
    }


def test_each_user_sees_the_pairs_whose_both_people_they_keep(client, users, pairs):
    expected = {
        users.admin: {pairs["a"].pk, pairs["a1"].pk, pairs["ab"].pk},
        users.province_manager: {pairs["a"].pk, pairs["a1"].pk, pairs["ab"].pk},
        users.district_manager: {pairs["a"].pk, pairs["a1"].pk},
        users.district_b_manager: set(),
        users.clerk: {pairs["a1"].pk},
    }
    for user, pks in expected.items():
        client.force_login(user)
        response = client.get("/members/duplicates/")
        assert response.status_code == 200 and listed(response) == pks, user


def test_viewers_and_approvers_may_not_review(client, users, pairs):
    pk = pairs["a"].pk
    for user in (users.district_viewer, users.district_approver):
        client.force_login(user)
        before = state()
        assert client.get("/members/duplicates/").status_code == 403
        assert client.get(f"/members/duplicates/{pk}/merge/").status_code == 403
        assert client.post(f"/members/duplicates/{pk}/distinct/", {}).status_code == 403
        assert state() == before


def test_a_pair_with_someone_outside_the_records_is_404(client, users, pairs):
    client.force_login(users.district_manager)
    pk = pairs["ab"].pk
    assert client.get(f"/members/duplicates/{pk}/merge/").status_code == 404
    data = {"version": pair_token(pairs["ab"]), "keep": pairs["ab"].first_id, "reason": "x"}
    assert client.post(f"/members/duplicates/{pk}/merge/", data).status_code == 404
    assert client.post(f"/members/duplicates/{pk}/distinct/", data).status_code == 404
    client.force_login(users.clerk)
    assert client.get(f"/members/duplicates/{pairs['a'].pk}/merge/").status_code == 404
    assert DuplicatePair.objects.filter(status=Status.OPEN).count() == 3


def test_the_list_shows_both_people_side_by_side_with_masked_ids(as_huyen_a, pairs):
    page = as_huyen_a.get("/members/duplicates/").content.decode()
    assert "0940•••••456" in page and "094090123456" not in page
    assert "CĐCS A1" in page and "CĐCS A2" in page and "01/06/2018" in page
    assert f'href="/members/duplicates/{pairs["a"].pk}/merge/"' in page


def test_the_list_pages_by_fifty(as_huyen_a, org):
    for day in range(51):
        born = D(1960, 1, 1) + dt.timedelta(days=day)
        make_member(unit=org.grassroots_a1, full_name="Đỗ Văn Tư", birth_date=born)
        make_member(unit=org.grassroots_a2, full_name="Do Van Tu", birth_date=born)
    assert duplicates.scan() == 51
    first = as_huyen_a.get("/members/duplicates/")
    assert len(listed(first)) == 50
    after = re.search(r'href="/members/duplicates/\?after=(\d+)"', first.content.decode())[1]
    second = as_huyen_a.get(f"/members/duplicates/?after={after}")
    assert len(listed(second)) == 1 and not listed(first) & listed(second)


def test_the_member_list_links_to_the_review_with_the_open_count(client, users, pairs):
    client.force_login(users.district_manager)
    page = client.get("/members/").content.decode()
    assert re.search(r'href="/members/duplicates/" id="duplicates-link">[^<]*\b2\b', page)
    client.force_login(users.district_viewer)
    assert 'id="duplicates-link"' not in client.get("/members/").content.decode()


# --- different people ---------------------------------------------------------------------


def test_different_people_by_a_plain_post(as_huyen_a, users, pairs):
    pair = pairs["a"]
    url = f"/members/duplicates/{pair.pk}/distinct/"
    response = as_huyen_a.post(url, {"version": pair_token(pair), "reason": "Khác cha mẹ"})
    assert response.status_code == 302 and response["Location"] == "/members/duplicates/"
    pair.refresh_from_db()
    assert (pair.status, pair.resolved_by) == (Status.DISTINCT, users.district_manager)
    assert pair.pk not in listed(as_huyen_a.get("/members/duplicates/"))


def test_different_people_through_htmx_replaces_the_row(as_huyen_a, pairs):
    pair = pairs["a1"]
    response = as_huyen_a.post(
        f"/members/duplicates/{pair.pk}/distinct/",
        {"version": pair_token(pair)},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and f'id="pair-{pair.pk}"' in page and "<html" not in page
    assert 'class="message success"' in page
    pair.refresh_from_db()
    assert pair.status == Status.DISTINCT


def test_a_decision_on_records_changed_meanwhile_is_refused(as_huyen_a, pairs):
    pair = pairs["a"]
    version = pair_token(pair)
    services.update_member(actor=None, member=pairs["new"], phone="0900000000", reason="x")
    response = as_huyen_a.post(
        f"/members/duplicates/{pair.pk}/distinct/", {"version": version}, follow=True
    )
    assert says(response, STALE)
    pair.refresh_from_db()
    assert pair.status == Status.OPEN


# --- merging ------------------------------------------------------------------------------


def merge_url(pair) -> str:
    return f"/members/duplicates/{pair.pk}/merge/"


def test_the_merge_page_previews_the_combined_timeline(as_huyen_a, pairs):
    pair, old, new = pairs["a"], pairs["old"], pairs["new"]
    page = as_huyen_a.get(merge_url(pair)).content.decode()
    # The record with a national ID is offered as the one to keep.
    assert re.search(rf'value="{old.pk}"[^>]*checked', page)
    preview = page[page.index('id="merge-preview"') :]
    assert preview.index("01/01/2015") < preview.index("01/03/2019")
    assert "CĐCS A1" in preview and "CĐCS A2" in preview
    other = as_huyen_a.get(merge_url(pair), {"keep": new.pk}, headers={"HX-Request": "true"})
    fragment = other.content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="merge-preview"')
    assert "Nguyen Van An" in fragment


def test_merging_keeps_both_histories_and_sends_the_old_page_to_the_kept_record(
    as_huyen_a, org, users, pairs
):
    pair, old, new = pairs["a"], pairs["old"], pairs["new"]
    counts = [
        selectors.count_members(unit=org.district_a, on=on)
        for on in (D(2016, 1, 1), D(2018, 12, 1), D(2020, 1, 1))
    ]
    response = as_huyen_a.post(
        merge_url(pair),
        {"keep": new.pk, "reason": "Cùng giấy khai sinh", "version": pair_token(pair)},
    )
    assert response.status_code == 302 and response["Location"] == f"/members/{new.pk}/"
    assert counts == [
        selectors.count_members(unit=org.district_a, on=on)
        for on in (D(2016, 1, 1), D(2018, 12, 1), D(2020, 1, 1))
    ]
    new.refresh_from_db()
    assert new.national_id == "094090123456" and new.memberships.count() == 2
    pair.refresh_from_db()
    assert (pair.status, pair.resolved_by) == (Status.MERGED, users.district_manager)
    moved = as_huyen_a.get(f"/members/{old.pk}/")
    assert moved.status_code == 302 and moved["Location"] == f"/members/{new.pk}/"
    page = as_huyen_a.get(f"/members/{new.pk}/").content.decode()
    assert "CĐCS A1" in page and "CĐCS A2" in page


def test_the_merged_record_stays_hidden_from_those_who_may_not_see_the_kept_one(
    client, users, pairs
):
    pair, old, new = pairs["a"], pairs["old"], pairs["new"]
    merging.merge(actor=None, pair_or_members=pair, keep=new, reason="x")
    client.force_login(users.district_b_manager)
    assert client.get(f"/members/{old.pk}/").status_code == 404


def test_the_preview_button_changes_nothing(as_huyen_a, pairs):
    pair = pairs["a"]
    before = state()
    response = as_huyen_a.post(
        merge_url(pair),
        {"keep": pairs["new"].pk, "reason": "", "version": pair_token(pair), "preview": "1"},
    )
    assert response.status_code == 200 and 'id="merge-preview"' in response.content.decode()
    assert state() == before


def test_a_merge_form_drawn_before_a_change_is_refused(as_huyen_a, pairs):
    pair = pairs["a"]
    version = pair_token(pair)
    services.update_member(actor=None, member=pairs["old"], phone="0900000000", reason="x")
    before = state()
    response = as_huyen_a.post(
        merge_url(pair), {"keep": pairs["new"].pk, "reason": "x", "version": version}
    )
    assert response.status_code == 200 and says(response, STALE)
    assert state() == before


def test_a_pair_resolved_meanwhile_says_so(as_huyen_a, pairs):
    pair = pairs["a"]
    version = pair_token(pair)
    merging.mark_distinct(actor=None, pair=pair)
    before = state()
    response = as_huyen_a.post(
        merge_url(pair), {"keep": pairs["new"].pk, "reason": "x", "version": version}
    )
    message = errors.PAIR_RESOLVED % {"status": Status.DISTINCT.label}
    assert response.status_code == 200 and says(response, message)
    assert state() == before
    assert says(as_huyen_a.get(merge_url(pair)), message)


def test_overlapping_histories_cannot_be_merged(as_huyen_a, org, pairs):
    pair = pairs["a1"]
    hoa = Member.objects.get(pk=pair.second_id)
    services.transfer_member(actor=None, member=hoa, to_unit=org.grassroots_a2, on=D(2013, 1, 1))
    twin = make_member(
        unit=org.grassroots_a1,
        full_name="Lê Thị Hoà",
        gender="female",
        birth_date=D(1985, 1, 1),
        on=D(2014, 1, 1),
    )
    [overlapping] = [
        p for p in duplicates.flag_duplicates(twin) if hoa.pk in (p.first_id, p.second_id)
    ]
    page = as_huyen_a.get(merge_url(overlapping)).content.decode()
    assert 'id="merge-overlaps"' in page
    before = state()
    response = as_huyen_a.post(
        merge_url(overlapping),
        {"keep": hoa.pk, "reason": "x", "version": pair_token(overlapping)},
    )
    assert response.status_code == 200
    assert says(response, errors.MERGE_OVERLAP) and "CĐCS A2 01/01/2013 – …" in (
        response.content.decode()
    )
    assert state() == before
