import datetime as dt

import pytest
from django.utils import translation

from congdoan.core.models import AuditEntry
from congdoan.members import services
from congdoan.members.templatetags import members_tags
from congdoan.testing import make_member

D = dt.date
NUMBER, MASKED = "094090123456", "0940•••••456"


@pytest.fixture
def member(org, users):
    person = make_member(
        unit=org.grassroots_a1, full_name="Thạch Văn Sóc", national_id=NUMBER,
        ethnicity="Khmer", religion="Phật giáo Nam tông",
    )
    # A change that puts the sensitive fields and the number into the audit trail.
    services.update_member(
        actor=users.province_manager, member=person, ethnicity="Khơ-me", reason="Sửa chính tả"
    )
    return person


def views_of(member) -> int:
    return AuditEntry.objects.filter(
        object_id=str(member.pk), action=AuditEntry.Action.VIEW
    ).count()


def page_for(client, user, member) -> str:
    client.force_login(user)
    response = client.get(f"/members/{member.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_outside_the_scope_is_404(client, users, org):
    outsider = make_member(unit=org.grassroots_b1)
    client.force_login(users.district_manager)
    assert client.get(f"/members/{outsider.pk}/").status_code == 404
    assert client.get("/members/999999/").status_code == 404


def test_the_scope_follows_the_current_membership(client, users, member, org):
    services.transfer_member(actor=None, member=member, to_unit=org.grassroots_b1, on=D(2020, 1, 1))
    client.force_login(users.district_manager)
    assert client.get(f"/members/{member.pk}/").status_code == 404
    client.force_login(users.district_b_manager)
    assert client.get(f"/members/{member.pk}/").status_code == 200


def test_a_former_member_stays_with_their_last_union(client, users, member):
    services.leave_union(actor=None, member=member, on=D(2024, 1, 1), reason="left_job")
    page = page_for(client, users.clerk, member)
    assert "01/01/2024" in page


def test_the_page_shows_the_person_and_their_timeline(client, users, member, org):
    services.transfer_member(actor=None, member=member, to_unit=org.grassroots_a2,
                             on=D(2019, 3, 1), note="Quyết định 5/QĐ")
    page = page_for(client, users.district_viewer, member)
    assert "Thạch Văn Sóc" in page and "17/05/1990" in page
    assert "01/01/2015" in page and "01/03/2019" in page  # the spans, dd/mm/yyyy
    assert "CĐCS A1" in page and "CĐCS A2" in page and "Quyết định 5/QĐ" in page
    assert "Sửa chính tả" in page and "tinh" in page  # the audit trail: why and who


@pytest.mark.parametrize("role", ["district_viewer", "district_approver"])
def test_readers_see_a_masked_number_and_no_sensitive_data(client, users, member, role):
    page = page_for(client, getattr(users, role), member)
    assert MASKED in page and NUMBER not in page
    assert "Khmer" not in page and "Khơ-me" not in page and "Phật giáo" not in page
    assert f"/members/{member.pk}/national-id/" not in page  # no button to show it
    assert f"/members/{member.pk}/edit/" not in page


@pytest.mark.parametrize("role", ["district_viewer", "district_approver"])
def test_readers_cannot_ask_for_the_full_number(client, users, member, role):
    client.force_login(getattr(users, role))
    response = client.post(f"/members/{member.pk}/national-id/")
    assert response.status_code == 403 and NUMBER not in response.content.decode()
    assert views_of(member) == 0


@pytest.mark.parametrize("role", ["admin", "district_manager", "clerk"])
def test_record_keepers_see_sensitive_data_and_a_masked_number(client, users, member, role):
    page = page_for(client, getattr(users, role), member)
    assert MASKED in page and NUMBER not in page  # masked in the audit trail too
    assert "Khơ-me" in page and "Phật giáo Nam tông" in page
    assert f'action="/members/{member.pk}/national-id/"' in page


def test_a_clerk_of_another_union_cannot_open_the_member(client, users, org):
    other = make_member(unit=org.grassroots_a2)
    client.force_login(users.clerk)
    assert client.get(f"/members/{other.pk}/").status_code == 404


def test_showing_the_full_number_is_audited_each_time(client, users, member):
    client.force_login(users.clerk)
    for times in (1, 2):
        response = client.post(f"/members/{member.pk}/national-id/")
        assert NUMBER in response.content.decode()
        assert views_of(member) == times
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).first()
    assert entry.actor == users.clerk and entry.operation == "view_national_id"
    page = page_for(client, users.clerk, member)
    with translation.override("vi"):
        label = members_tags.member_operation(entry.operation)
        viewed = f"cs_a1 · {AuditEntry.Action.VIEW.label} ({label})"
    assert viewed in page  # the trail says who looked


def test_showing_the_full_number_through_htmx_returns_the_fragment(client, users, member):
    client.force_login(users.district_manager)
    response = client.post(f"/members/{member.pk}/national-id/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.strip().startswith('<span id="national-id">') and NUMBER in page
    assert "<html" not in page


def test_opening_the_edit_form_counts_as_a_full_view(client, users, member):
    client.force_login(users.district_manager)
    response = client.get(f"/members/{member.pk}/edit/")
    assert NUMBER in response.content.decode() and views_of(member) == 1


def test_readers_cannot_open_the_forms(client, users, member):
    client.force_login(users.district_viewer)
    for operation in ("edit", "transfer", "leave", "suspend", "resume", "readmit"):
        assert client.get(f"/members/{member.pk}/{operation}/").status_code == 403
    assert client.get("/members/new/").status_code == 403
    assert views_of(member) == 0


def test_the_actions_offered_follow_the_status(client, users, member):
    page = page_for(client, users.clerk, member)
    assert "/suspend/" in page and "/leave/" in page and "/readmit/" not in page
    services.suspend_member(actor=None, member=member, on=D(2024, 1, 1))
    page = page_for(client, users.clerk, member)
    assert "/resume/" in page and "/suspend/" not in page
    services.leave_union(actor=None, member=member, on=D(2024, 2, 1), reason="withdrew")
    page = page_for(client, users.clerk, member)
    assert "/readmit/" in page and "/leave/" not in page
