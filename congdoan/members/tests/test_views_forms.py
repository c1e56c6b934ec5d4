import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.html import escape

from congdoan.accounts.scope import scope_for
from congdoan.core import codes
from congdoan.core.dates import format_date, today
from congdoan.core.models import AuditEntry
from congdoan.members import errors, forms, selectors, services
from congdoan.members.models import Member, Membership
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import Unit
from congdoan.testing import make_member

D = dt.date
DAY = "01/03/2024"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def snapshot():
    """Everything a member form could change."""
    return (
        list(Member.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list()),
        AuditEntry.objects.count(),
    )


def says(response, message) -> bool:
    """The page shows `message` in Vietnamese (every literal part of it, around its values)."""
    with translation.override("vi"):
        text = str(message)
    page = response.content.decode()
    return all(escape(part.strip()) in page for part in _PLACEHOLDER.split(text) if part.strip())


def token(member) -> str:
    return forms.member_token(member)


def person_data(**extra) -> dict:
    return {
        "full_name": "Nguyễn Thị Mới", "gender": "female", "born": "17/05/1990",
        "national_id": "", "nationality": "VN", "unit": "", "on": DAY, **extra,
    }


@pytest.fixture
def member(org):
    return make_member(unit=org.grassroots_a1, full_name="Trần Văn Có", on=D(2015, 1, 1))


@pytest.fixture
def as_clerk(client, users):
    client.force_login(users.clerk)
    return client


@pytest.fixture
def as_huyen_a(client, users):
    client.force_login(users.district_manager)
    return client


def post(client, member, operation, **data):
    return client.post(
        f"/members/{member.pk}/{operation}/", {"on": DAY, "version": token(member), **data}
    )


# --- each form works --------------------------------------------------------------------


def test_admit_a_new_member(as_clerk, org, users):
    response = as_clerk.post("/members/new/", person_data(unit=org.grassroots_a1.pk,
                                                          note="QĐ 3/QĐ-CĐCS"))
    person = Member.objects.get(full_name="Nguyễn Thị Mới")
    assert response.status_code == 302 and response["Location"] == f"/members/{person.pk}/"
    span = selectors.current_membership(person)
    assert span.unit == org.grassroots_a1 and span.start == D(2024, 3, 1)
    assert span.note == "QĐ 3/QĐ-CĐCS" and person.birth_date == D(1990, 5, 17)
    assert AuditEntry.objects.filter(object_id=str(person.pk), actor=users.clerk).count() == 2
    page = as_clerk.get(response["Location"]).content.decode()
    assert "Nguyễn Thị Mới" in page and "01/03/2024" in page


def test_a_year_of_birth_alone_is_enough(as_clerk, org):
    as_clerk.post("/members/new/", person_data(unit=org.grassroots_a1.pk, born="1985"))
    person = Member.objects.get(full_name="Nguyễn Thị Mới")
    assert person.birth_year == 1985 and person.birth_date is None


def test_admission_through_htmx_redirects_the_browser(as_clerk, org):
    response = as_clerk.post(
        "/members/new/", person_data(unit=org.grassroots_a1.pk), headers={"HX-Request": "true"}
    )
    person = Member.objects.get(full_name="Nguyễn Thị Mới")
    assert response.status_code == 200 and response["HX-Redirect"] == f"/members/{person.pk}/"


def test_the_new_member_form_offers_only_unions_where_the_user_keeps_records(
    client, users, org
):
    client.force_login(users.clerk)
    page = client.get("/members/new/").content.decode()
    assert "CĐCS A1" in page and "CĐCS A2" not in page
    client.force_login(users.district_manager)
    page = client.get("/members/new/").content.decode()
    assert "CĐCS A1" in page and "CĐCS A2" in page and "CĐCS B1" not in page
    assert f'<option value="{org.district_a.pk}"' not in page  # holds no members


@pytest.mark.parametrize(
    "role",
    ["admin", "province_manager", "district_manager", "district_viewer", "district_approver",
     "clerk"],
)
def test_the_unions_offered_are_exactly_those_where_the_scope_may_enter_data(users, org, role):
    scope = scope_for(getattr(users, role))
    offered = set(selectors.units_for_data_entry(scope))
    holding = Unit.objects.filter(kind__in=MEMBER_HOLDING, is_active=True)
    assert offered == {unit for unit in holding if scope.can_enter_data(unit)}


def test_correct_the_details(as_huyen_a, member, users):
    response = post(as_huyen_a, member, "edit", full_name="Trần Văn Có Sửa", gender="male",
                    born="17/05/1990", nationality="VN", national_id="094090123456",
                    ethnicity="Kinh", reason="Sai chính tả")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Trần Văn Có Sửa" and member.national_id == "094090123456"
    entry = AuditEntry.objects.filter(object_id=str(member.pk), action="update").first()
    assert entry.reason == "Sai chính tả" and entry.actor == users.district_manager


def test_transfer(as_huyen_a, member, org):
    response = post(as_huyen_a, member, "transfer", to_unit=org.grassroots_a2.pk, note="QĐ 9")
    assert response.status_code == 302
    assert selectors.current_membership(member).unit == org.grassroots_a2


def test_the_transfer_form_lists_unions_in_scope_and_asks_others_by_code(as_huyen_a, member):
    page = as_huyen_a.get(f"/members/{member.pk}/transfer/").content.decode()
    assert "CĐCS A2" in page and "CĐCS B1" not in page
    with translation.override("vi"):
        help_text = str(forms.TransferForm.base_fields["to_code"].help_text)
    assert escape(help_text) in page and 'name="away_to"' in page


def test_leave(as_clerk, member):
    response = post(as_clerk, member, "leave", reason="retired")
    assert response.status_code == 302
    span = selectors.standing_span(member)
    assert span.end == D(2024, 3, 1) and span.end_reason == "retired"


def test_suspend_then_resume(as_clerk, member):
    assert post(as_clerk, member, "suspend").status_code == 302
    assert selectors.current_membership(member).status == Membership.Status.SUSPENDED
    assert post(as_clerk, member, "resume", on="01/06/2024").status_code == 302
    assert selectors.current_membership(member).status == Membership.Status.ACTIVE


def test_readmit_after_the_waiting_time(as_clerk, member, org):
    services.leave_union(actor=None, member=member, on=D(2023, 1, 1), reason="left_job")
    page = as_clerk.get(f"/members/{member.pk}/readmit/").content.decode()
    assert f'<option value="{org.grassroots_a1.pk}" selected>' in page
    response = post(as_clerk, member, "readmit", unit=org.grassroots_a1.pk)
    assert response.status_code == 302
    span = selectors.current_membership(member)
    assert span.start_reason == Membership.StartReason.READMITTED


def test_a_form_error_through_htmx_returns_only_the_form(as_clerk, member):
    response = as_clerk.post(
        f"/members/{member.pk}/suspend/", {"on": "", "version": token(member)},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith("<form") and "<html" not in page


# --- bad input: a Vietnamese message and nothing changes ----------------------------------


def refused(response, message, before):
    assert response.status_code == 200
    assert says(response, message), response.content.decode()
    assert snapshot() == before


def test_a_future_date_is_refused(as_clerk, member):
    before = snapshot()
    tomorrow = format_date(today() + dt.timedelta(days=1))
    refused(post(as_clerk, member, "suspend", on=tomorrow), errors.DATE_IN_FUTURE, before)


def test_an_impossible_date_is_refused(as_clerk, member):
    from congdoan.org.forms import DATE_INVALID

    before = snapshot()
    refused(post(as_clerk, member, "suspend", on="31/02/2024"), DATE_INVALID, before)


def test_a_too_young_person_is_not_admitted_nor_registered(as_clerk, org):
    before = snapshot()
    born = format_date(today().replace(year=today().year - 12))
    response = as_clerk.post(
        "/members/new/", person_data(unit=org.grassroots_a1.pk, born=born, on=format_date(today()))
    )
    refused(response, errors.TOO_YOUNG, before)


def test_a_duplicate_national_id_says_where_and_links_to_the_person_in_scope(as_huyen_a, org):
    existing = make_member(unit=org.grassroots_a2, national_id="094190123456", gender="female")
    before = snapshot()
    response = as_huyen_a.post(
        "/members/new/", person_data(unit=org.grassroots_a1.pk, national_id="094190123456")
    )
    refused(response, errors.NATIONAL_ID_TAKEN, before)
    page = response.content.decode()
    assert "CĐCS A2" in page and f'href="/members/{existing.pk}/"' in page


def test_a_duplicate_national_id_outside_the_scope_gives_no_link(as_huyen_a, org):
    existing = make_member(unit=org.grassroots_b1, national_id="094190123456", gender="female")
    before = snapshot()
    response = as_huyen_a.post(
        "/members/new/", person_data(unit=org.grassroots_a1.pk, national_id="094190123456")
    )
    refused(response, errors.NATIONAL_ID_TAKEN, before)
    assert f"/members/{existing.pk}/" not in response.content.decode()


def test_a_national_id_that_contradicts_the_person_is_refused(as_clerk, org):
    before = snapshot()
    response = as_clerk.post(  # the 4th digit 0 says a man born in the 1900s
        "/members/new/", person_data(unit=org.grassroots_a1.pk, national_id="094090123456")
    )
    refused(response, codes.CCCD_GENDER, before)


def test_a_union_outside_the_scope_cannot_be_chosen(as_huyen_a, org):
    before = snapshot()
    response = as_huyen_a.post("/members/new/", person_data(unit=org.grassroots_b1.pk))
    refused(response, forms.UNIT_CHOICE_INVALID, before)


def test_readmission_too_soon_is_refused(as_clerk, member, org):
    services.leave_union(actor=None, member=member, on=D(2024, 1, 15), reason="withdrew")
    before = snapshot()
    response = post(as_clerk, member, "readmit", unit=org.grassroots_a1.pk, on="01/03/2024")
    refused(response, errors.READMIT_TOO_SOON, before)


def test_a_transfer_to_the_same_union_is_refused(as_huyen_a, member, org):
    before = snapshot()
    response = post(as_huyen_a, member, "transfer", to_unit=org.grassroots_a1.pk)
    refused(response, errors.SAME_UNIT, before)


def test_leaving_twice_is_refused(as_clerk, member):
    services.leave_union(actor=None, member=member, on=D(2024, 1, 1), reason="retired")
    before = snapshot()
    refused(post(as_clerk, member, "leave", reason="retired"), errors.NOT_A_MEMBER, before)


def test_leaving_needs_a_reason(as_clerk, member):
    before = snapshot()
    refused(post(as_clerk, member, "leave", reason=""), forms.LEAVE_REASON_REQUIRED, before)


def test_a_correction_needs_a_reason(as_clerk, member):
    before = snapshot()
    response = post(as_clerk, member, "edit", full_name="X", gender="male", born="1990",
                    nationality="VN", reason="")
    refused(response, forms.EDIT_REASON_REQUIRED, before)


def test_a_form_opened_before_someone_else_changed_the_member_is_refused(as_clerk, member):
    stale = token(member)
    services.suspend_member(actor=None, member=member, on=D(2024, 1, 1))
    before = snapshot()
    response = as_clerk.post(
        f"/members/{member.pk}/leave/", {"on": DAY, "reason": "retired", "version": stale}
    )
    refused(response, forms.STALE, before)


def test_a_clerk_cannot_change_a_member_of_another_union(client, users, org):
    other = make_member(unit=org.grassroots_a2)
    client.force_login(users.clerk)
    before = snapshot()
    assert post(client, other, "leave", reason="retired").status_code == 404
    assert snapshot() == before


def test_the_employer_is_linked_by_tax_code_when_it_is_in_the_registry(as_clerk, org):
    from congdoan.enterprises.tests.factory import make_enterprise, valid_tax_code

    enterprise = make_enterprise(area_unit=org.district_a, name="Công ty TNHH Hoàng Long",
                                 tax_code=valid_tax_code(province="01"))
    response = as_clerk.post("/members/new/", person_data(
        unit=org.grassroots_a1.pk, employer_tax_code=enterprise.tax_code[1:],  # lost its 0
    ))
    assert response.status_code == 302
    person = Member.objects.get(full_name="Nguyễn Thị Mới")
    assert person.enterprise == enterprise and person.employer_name == "Công ty TNHH Hoàng Long"

    before = snapshot()
    unknown = valid_tax_code()
    response = as_clerk.post("/members/new/", person_data(
        full_name="Lê Văn Khác", unit=org.grassroots_a1.pk, employer_tax_code=unknown,
    ))
    assert response.status_code == 200 and says(response, forms.ENTERPRISE_NOT_FOUND)
    response = as_clerk.post("/members/new/", person_data(
        full_name="Lê Văn Khác", unit=org.grassroots_a1.pk, employer_tax_code="123",
    ))
    assert response.status_code == 200 and snapshot() == before
