"""Transfers across the edge of one user's records: asked, answered, or recorded as away."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from congdoan.core.models import AuditEntry
from congdoan.members import selectors, services, transfers
from congdoan.members.models import Member, Membership, TransferRequest
from congdoan.members.tests.test_views_forms import DAY, says, snapshot, token
from congdoan.testing import make_member

D = dt.date
Status = TransferRequest.Status


@pytest.fixture
def member(org):
    return make_member(unit=org.grassroots_a1, full_name="Trần Văn Đi", on=D(2015, 1, 1))


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def refused(code, call, **kwargs):
    before = snapshot(), list(TransferRequest.objects.values_list())
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    assert code_of(excinfo) == code
    assert (snapshot(), list(TransferRequest.objects.values_list())) == before


def ask(member, org, users):
    return transfers.request_transfer(
        actor=users.clerk, member=member, to_unit=org.grassroots_b1, on=D(2024, 3, 1),
        note="Đơn 5/2024",
    )


# --- services -----------------------------------------------------------------------------


def test_the_member_stays_until_the_receiving_union_accepts(member, org, users):
    request = ask(member, org, users)
    assert selectors.current_membership(member).unit == org.grassroots_a1
    span = transfers.accept_transfer(actor=users.district_b_manager, request=request)
    assert (span.unit, span.start, span.start_reason) == (org.grassroots_b1, D(2024, 3, 1),
                                                         "transferred")
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.decided_by == users.district_b_manager
    operations = set(AuditEntry.objects.filter(object_id=str(member.pk)).values_list(
        "operation", flat=True))
    assert {"transfer_request", "transfer", "transfer_accept"} <= operations


def test_a_declined_transfer_leaves_the_member_and_needs_a_reason(member, org, users):
    request = ask(member, org, users)
    refused("decline_reason_required", transfers.decline_transfer,
            actor=users.district_b_manager, request=request, answer="  ")
    transfers.decline_transfer(actor=users.district_b_manager, request=request,
                               answer="Không làm việc tại đơn vị")
    request.refresh_from_db()
    assert request.status == Status.DECLINED and request.answer == "Không làm việc tại đơn vị"
    assert selectors.current_membership(member).unit == org.grassroots_a1


def test_one_pending_request_per_member_and_one_answer_per_request(member, org, users):
    request = ask(member, org, users)
    refused("transfer_pending", transfers.request_transfer, actor=users.clerk, member=member,
            to_unit=org.grassroots_b1, on=D(2024, 3, 1))
    transfers.cancel_transfer(actor=users.clerk, request=request)
    refused("transfer_decided", transfers.accept_transfer, actor=users.district_b_manager,
            request=request)
    ask(member, org, users)  # withdrawn: may ask again


def test_a_request_the_member_has_moved_on_from_is_stale(member, org, users):
    request = ask(member, org, users)
    services.suspend_member(actor=users.clerk, member=member, on=D(2024, 2, 1))
    refused("transfer_stale", transfers.accept_transfer, actor=users.district_b_manager,
            request=request)


def test_a_request_checks_what_a_transfer_checks(member, org, users):
    refused("same_unit", transfers.request_transfer, actor=users.clerk, member=member,
            to_unit=org.grassroots_a1, on=D(2024, 3, 1))
    refused("not_grassroots", transfers.request_transfer, actor=users.clerk, member=member,
            to_unit=org.district_b, on=D(2024, 3, 1))
    refused("date_in_future", transfers.request_transfer, actor=users.clerk, member=member,
            to_unit=org.grassroots_b1, on=D(2999, 1, 1))


def test_moving_away_from_the_system_closes_with_the_destination(member, org, users):
    span = transfers.transfer_away(actor=users.clerk, member=member, on=D(2024, 3, 1),
                                   destination="CĐCS Công ty X, tỉnh Cà Mau")
    assert span.end_reason == Membership.EndReason.TRANSFERRED_AWAY
    assert "Cà Mau" in span.note and selectors.current_membership(member) is None
    moves = selectors.member_movements(unit=org.province, start=D(2024, 1, 1), end=D(2025, 1, 1))
    assert (moves.transferred_out, moves.left) == (1, 0)
    # Coming back is not a re-admission after leaving: no waiting period.
    back = services.readmit_member(actor=users.clerk, member=member, unit=org.grassroots_a1,
                                   on=D(2024, 3, 15))
    assert back.start == D(2024, 3, 15)
    refused("destination_required", transfers.transfer_away, actor=users.clerk, member=member,
            on=D(2024, 4, 1), destination=" ")


# --- pages --------------------------------------------------------------------------------


def post_transfer(client, member, **data):
    return client.post(f"/members/{member.pk}/transfer/",
                       {"on": DAY, "version": token(member), **data})


def test_a_clerk_asks_another_district_by_code_and_its_manager_accepts(client, member, org,
                                                                        users):
    client.force_login(users.clerk)
    response = post_transfer(client, member, to_code="db-1", note="Đơn 5")
    assert response.status_code == 302
    request = TransferRequest.objects.get()
    assert (request.to_unit, request.status) == (org.grassroots_b1, Status.PENDING)
    detail = client.get(f"/members/{member.pk}/")
    assert 'id="pending-transfer"' in detail.content.decode()

    client.force_login(users.district_b_manager)
    assert client.get(f"/members/{member.pk}/").status_code == 404  # not theirs yet
    page = client.get("/members/transfers/").content.decode()
    assert f'id="transfer-{request.pk}"' in page and "Trần Văn Đi" in page
    assert member.national_id is None or member.national_id not in page
    assert "1 " in client.get("/members/").content.decode().split('id="transfers-link"')[1][:200]
    response = client.post(f"/members/transfers/{request.pk}/accept/")
    assert response.status_code == 302
    assert selectors.current_membership(member).unit == org.grassroots_b1
    assert client.get(f"/members/{member.pk}/").status_code == 200


def test_only_the_receiving_side_answers_and_only_the_sender_withdraws(client, member, org,
                                                                        users):
    request = ask(member, org, users)
    before = snapshot(), list(TransferRequest.objects.values_list())
    client.force_login(users.district_manager)  # sees the sender, not the receiver
    assert client.post(f"/members/transfers/{request.pk}/accept/").status_code == 403
    client.force_login(users.district_viewer)
    assert client.post(f"/members/transfers/{request.pk}/cancel/").status_code == 403
    client.force_login(users.district_b_manager)
    assert client.post(f"/members/transfers/{request.pk}/cancel/").status_code == 403
    assert client.post(f"/members/transfers/{request.pk}/undo/").status_code == 404
    assert (snapshot(), list(TransferRequest.objects.values_list())) == before
    client.force_login(users.clerk)
    assert client.post(f"/members/transfers/{request.pk}/cancel/").status_code == 302
    assert TransferRequest.objects.get().status == Status.CANCELLED


def test_a_union_in_neither_scope_learns_nothing(client, member, org, users):
    from congdoan.accounts.models import Role
    from congdoan.testing import make_unit, make_user

    elsewhere = make_unit(code="DC", name="LĐLĐ huyện C", kind="district", parent=org.province)
    outsider = make_user(username="huyen_c", unit=elsewhere, role=Role.MANAGER)
    request = ask(member, org, users)
    client.force_login(outsider)
    assert client.post(f"/members/transfers/{request.pk}/accept/").status_code == 404
    assert "Trần Văn Đi" not in client.get("/members/transfers/").content.decode()


def test_declining_without_a_reason_says_so_and_keeps_the_request(client, member, org, users):
    request = ask(member, org, users)
    client.force_login(users.district_b_manager)
    response = client.post(f"/members/transfers/{request.pk}/decline/", {"answer": ""},
                           follow=True)
    from congdoan.members import errors

    assert says(response, errors.DECLINE_REASON_REQUIRED)
    assert TransferRequest.objects.get().status == Status.PENDING


def test_the_form_takes_one_destination_and_records_a_move_away(client, member, org, users):
    client.force_login(users.clerk)
    response = post_transfer(client, member, to_code="DB-1", away_to="Tỉnh khác")
    from congdoan.members import errors

    assert response.status_code == 200 and says(response, errors.TRANSFER_ONE_DESTINATION)
    response = post_transfer(client, member, to_code="KHONG-CO")
    assert response.status_code == 200 and "KHONG-CO" in response.content.decode()
    response = post_transfer(client, member, away_to="CĐCS Công ty Y, TP Hồ Chí Minh")
    assert response.status_code == 302
    last = Member.objects.get(pk=member.pk).memberships.get()
    assert last.end_reason == "transferred_away" and "Hồ Chí Minh" in last.note


def test_a_code_inside_the_scope_moves_at_once(client, member, org, users):
    client.force_login(users.district_manager)
    assert post_transfer(client, member, to_code="DA-2").status_code == 302
    assert selectors.current_membership(member).unit == org.grassroots_a2
    assert not TransferRequest.objects.exists()


def test_the_page_to_return_to_stays_on_this_site(client, member, org, users):
    request = ask(member, org, users)
    client.force_login(users.clerk)
    response = client.post(f"/members/transfers/{request.pk}/cancel/",
                           {"next": "//example.com/"})
    assert response["Location"] == "/members/transfers/"
    request = ask(member, org, users)
    response = client.post(f"/members/transfers/{request.pk}/cancel/",
                           {"next": f"/members/{member.pk}/"})
    assert response["Location"] == f"/members/{member.pk}/"
