"""Organizing pages: the board in scope, moves through HTMX and plain POST, the case page."""

import datetime as dt
import re

import pytest
from django.utils.html import escape

from congdoan.core.dates import format_date, today
from congdoan.core.models import AuditEntry
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.members.models import Membership
from congdoan.org.models import Unit
from congdoan.organizing import errors, forms, services
from congdoan.organizing.models import Applicant, Case, Stage, StageEvent, State
from congdoan.organizing.tests.factory import make_case

D = dt.date
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def says(response, message) -> bool:
    """The page shows `message` (every literal part of it, around its values)."""
    page = response.content.decode()
    return all(escape(part.strip()) in page for part in _PLACEHOLDER.split(str(message)) if part)


def snapshot():
    return (
        list(Case.objects.order_by("pk").values_list()),
        StageEvent.objects.count(),
        list(Applicant.objects.order_by("pk").values_list()),
        Unit.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def cases(org):
    a = make_case(owner=org.district_a, stage=Stage.CONTACTED, name="Công ty Giày A")
    b = make_case(owner=org.district_b, name="Công ty Gạo B")
    return a, b


@pytest.fixture
def manager(client, users):
    client.force_login(users.district_manager)
    return client


def move(client, case, direction="next", *, htmx=False, version=None, **extra):
    data = {"version": version or forms.case_token(case), "from": "board", **extra}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/organizing/{case.pk}/move/{direction}/", data, headers=headers)


def test_the_board_shows_the_cases_in_scope_by_stage(manager, cases):
    response = manager.get("/organizing/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Công ty Giày A" in page and "Công ty Gạo B" not in page
    column = page.split('id="stage-contacted"')[1].split("</section>")[0]
    assert "Công ty Giày A" in column
    assert 'data-move="next"' in page and 'data-move="back"' in page


def test_next_stage_through_htmx_redraws_the_board(manager, cases):
    a, _b = cases
    response = move(manager, a, htmx=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="board">')  # the fragment, not the whole page
    column = page.split('id="stage-board"')[1].split("</section>")[0]
    assert "Công ty Giày A" in column
    a.refresh_from_db()
    assert a.stage == Stage.BOARD
    assert a.events.last().on == today()


def test_next_stage_and_back_by_plain_post(manager, cases):
    a, _b = cases
    response = move(manager, a)
    assert response.status_code == 302 and response["Location"] == "/organizing/"
    a.refresh_from_db()
    response = move(manager, a, "back")
    a.refresh_from_db()
    assert a.stage == Stage.CONTACTED
    assert list(a.events.values_list("kind", flat=True))[-2:] == ["advanced", "back"]


def test_a_stale_card_is_refused_with_a_message(manager, cases):
    a, _b = cases
    old = forms.case_token(a)
    move(manager, a)
    a.refresh_from_db()
    before = snapshot()
    response = move(manager, a, htmx=True, version=old)
    assert says(response, forms.STALE)
    assert snapshot() == before


def test_outsiders_get_404_and_viewers_403(client, users, cases):
    a, _b = cases
    client.force_login(users.district_b_manager)
    before = snapshot()
    assert client.get(f"/organizing/{a.pk}/").status_code == 404
    assert move(client, a).status_code == 404
    client.force_login(users.district_viewer)
    response = client.get(f"/organizing/{a.pk}/")
    assert response.status_code == 200 and "Công ty Giày A" in response.content.decode()
    assert 'name="version"' not in response.content.decode()  # nothing to change
    assert move(client, a).status_code == 403
    assert client.post(f"/organizing/{a.pk}/recognise/", {}).status_code == 403
    assert snapshot() == before


def test_the_province_manager_runs_the_districts_cases(client, users, cases):
    a, _b = cases
    client.force_login(users.province_manager)
    move(client, a)
    a.refresh_from_db()
    assert a.stage == Stage.BOARD


def test_opening_a_case_for_an_enterprise_in_scope(manager, org):
    enterprise = make_enterprise(area_unit=org.district_a, name="Công ty Mới")
    response = manager.get(f"/organizing/new/?enterprise={enterprise.pk}")
    assert response.status_code == 200
    assert f'<option value="{org.district_a.pk}" selected>' in response.content.decode()
    response = manager.post(
        f"/organizing/new/?enterprise={enterprise.pk}",
        {"owner": org.district_a.pk, "opened_on": "01/03/2024", "note": "Khảo sát"},
    )
    case = Case.objects.get(enterprise=enterprise)
    assert response.status_code == 302 and response["Location"] == f"/organizing/{case.pk}/"
    assert case.opened_on == D(2024, 3, 1)
    # A second case for it is refused on the form.
    before = snapshot()
    response = manager.post(
        f"/organizing/new/?enterprise={enterprise.pk}",
        {"owner": org.district_a.pk, "opened_on": "01/03/2024"},
    )
    assert response.status_code == 400 and says(response, errors.CASE_ALREADY_OPEN)
    assert snapshot() == before


def test_no_case_for_an_enterprise_outside_scope_or_by_a_viewer(client, users, org):
    enterprise = make_enterprise(area_unit=org.district_b, name="Công ty Ngoài")
    client.force_login(users.district_manager)
    assert client.get(f"/organizing/new/?enterprise={enterprise.pk}").status_code == 404
    assert client.get("/organizing/new/?enterprise=x").status_code == 404
    inside = make_enterprise(area_unit=org.district_a, name="Công ty Trong")
    client.force_login(users.district_viewer)
    assert client.get(f"/organizing/new/?enterprise={inside.pk}").status_code == 403


def test_adding_an_applicant_checks_the_national_id(manager, cases):
    a, _b = cases
    person = {
        "version": forms.case_token(a), "full_name": "Lê Thị Hoa", "gender": "female",
        "born": "02/04/1998", "national_id": "094098123456", "applied_on": "01/03/2024",
    }  # fmt: skip
    before = snapshot()
    response = manager.post(f"/organizing/{a.pk}/applicants/", person)
    assert response.status_code == 400 and "094098123456" in response.content.decode()
    assert snapshot() == before
    response = manager.post(
        f"/organizing/{a.pk}/applicants/", {**person, "national_id": "094198123456"}
    )
    assert response.status_code == 302
    page = manager.get(f"/organizing/{a.pk}/").content.decode()
    assert "Lê Thị Hoa" in page and "0941•••••456" in page and "094198123456" not in page


def test_recognising_from_the_case_page(manager, org):
    case = make_case(owner=org.district_a, stage=Stage.CONGRESS, applicants=5,
                     name="Công ty Thép")  # fmt: skip
    data = {"version": forms.case_token(case), "decision_number": "7/QĐ",
            "decision_date": "01/06/2024"}  # fmt: skip
    response = manager.post(f"/organizing/{case.pk}/recognise/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.RECOGNISED and case.union.name == "CĐCS Công ty Thép"
    assert Membership.objects.filter(unit=case.union, start=D(2024, 6, 1)).count() == 5
    page = manager.get(f"/organizing/{case.pk}/").content.decode()
    assert "CĐCS Công ty Thép" in page and "01/06/2024" in page


def test_recognition_refused_shows_why_and_changes_nothing(manager, org):
    case = make_case(owner=org.district_a, stage=Stage.CONGRESS, applicants=4)
    data = {"version": forms.case_token(case), "decision_number": "7/QĐ",
            "decision_date": "01/06/2024"}  # fmt: skip
    before = snapshot()
    response = manager.post(f"/organizing/{case.pk}/recognise/", data)
    assert response.status_code == 400
    assert says(response, errors.TOO_FEW_APPLICANTS)
    assert snapshot() == before


def test_pausing_needs_a_reason(manager, cases):
    a, _b = cases
    data = {"pause-version": forms.case_token(a), "pause-on": format_date(today())}
    before = snapshot()
    response = manager.post(f"/organizing/{a.pk}/state/pause/", data)
    assert response.status_code == 400 and says(response, errors.REASON_REQUIRED)
    assert snapshot() == before
    response = manager.post(f"/organizing/{a.pk}/state/pause/", {**data, "pause-reason": "Chờ Tết"})
    a.refresh_from_db()
    assert response.status_code == 302 and a.state == State.PAUSED


def test_overdue_next_steps(manager, cases, org):
    a, _b = cases
    services.set_next_step(actor=None, case=a, next_step="Gọi lại giám đốc", due=D(2024, 2, 1))
    late = make_case(owner=org.district_b, name="Công ty Trễ B")
    services.set_next_step(actor=None, case=late, next_step="Họp", due=D(2024, 2, 1))
    page = manager.get("/organizing/overdue/").content.decode()
    assert "Gọi lại giám đốc" in page and "01/02/2024" in page
    assert "Công ty Trễ B" not in page
    board = manager.get("/organizing/").content.decode()
    assert 'class="case-card overdue"' in board


def test_a_paused_case_offers_resume_and_a_stopped_one_nothing(manager, cases):
    a, _b = cases
    services.pause(actor=None, case=a, on=today(), reason="Chờ Tết")
    page = manager.get(f"/organizing/{a.pk}/").content.decode()
    assert f"/organizing/{a.pk}/state/resume/" in page and "Chờ Tết" in page
    assert f"/organizing/{a.pk}/move/next/" not in page
    a.refresh_from_db()
    services.stop(actor=None, case=a, on=today(), reason="Giải thể")
    page = manager.get(f"/organizing/{a.pk}/").content.decode()
    assert 'name="version"' not in page and "Giải thể" in page
