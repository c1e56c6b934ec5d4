import datetime as dt
import re

import pytest
from django.utils import translation

from congdoan.core.dates import format_date, today
from congdoan.core.models import AuditEntry
from congdoan.org import errors, forms, services
from congdoan.org.models import OrgEvent, Unit, UnitVersion

DAY = "01/03/2024"


def snapshot():
    """Everything a reorganisation could change."""
    return (
        list(Unit.objects.order_by("pk").values_list()),
        list(UnitVersion.objects.order_by("pk").values_list()),
        OrgEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def vi(message, **params) -> str:
    with translation.override("vi"):
        text = str(message)
    return text % params if params else text


def token(code: str) -> str:
    return forms.revision_token(Unit.objects.get(code=code))


def post(client, unit_code, operation, **data):
    data = {
        "effective_on": DAY, "reason": "Quyết định 12/QĐ-LĐLĐ", "version": token(unit_code), **data
    }
    return client.post(f"/units/{unit_code}/{operation}/", data)


def form_of(response) -> str:
    page = response.content.decode()
    start = page.index('id="operation-form"')
    return page[start:page.index("</form>", start)]


@pytest.fixture
def as_tinh(client, users):
    client.force_login(users.province_manager)
    return client


@pytest.fixture
def as_huyen_a(client, users):
    client.force_login(users.district_manager)
    return client


# --- each operation works through the page ----------------------------------------------


def test_create_a_grassroots_union(as_huyen_a, users):
    response = post(as_huyen_a, "DA", "create", code="da-3", name="CĐCS A3", kind="grassroots")
    assert response.status_code == 302 and response["Location"] == "/units/DA-3/"
    unit = Unit.objects.get(code="DA-3")
    assert unit.parent.code == "DA" and unit.name == "CĐCS A3"
    assert unit.events.get().actor == users.district_manager
    page = as_huyen_a.get(response["Location"]).content.decode()
    assert "CĐCS A3" in page and "Quyết định 12/QĐ-LĐLĐ" in page


def test_rename(as_huyen_a):
    response = post(as_huyen_a, "DA-1", "rename", name="CĐCS Công ty May A1")
    assert response.status_code == 302
    assert Unit.objects.get(code="DA-1").name == "CĐCS Công ty May A1"
    page = as_huyen_a.get("/units/DA-1/").content.decode()
    assert "CĐCS A1" in page  # the old name stays in the timeline


def test_move(as_tinh, org):
    response = post(as_tinh, "DA-1", "move", parent=org.district_b.pk)
    assert response.status_code == 302
    assert Unit.objects.get(code="DA-1").parent.code == "DB"


def test_merge(as_huyen_a, org):
    response = post(as_huyen_a, "DA-1", "merge", sources=[org.grassroots_a2.pk])
    assert response.status_code == 302 and response["Location"] == "/units/DA-1/"
    merged = Unit.objects.get(code="DA-2")
    assert not merged.is_active and merged.successor.code == "DA-1"


def test_split_with_assignments(as_tinh):
    response = post(
        as_tinh, "DA", "split",
        parts="DA = LĐLĐ huyện A\nDC = LĐLĐ huyện C",
        **{"child__DA-2": "DC"},
    )
    assert response.status_code == 302, response.content.decode()
    assert Unit.objects.get(code="DC").parent.code == "P"
    assert Unit.objects.get(code="DA-2").parent.code == "DC"
    assert Unit.objects.get(code="DA-1").parent.code == "DA"


def test_split_refresh_redraws_the_choices_without_changing_anything(as_tinh):
    before = snapshot()
    response = post(as_tinh, "DA", "split", parts="DA = A\nDC = C", refresh="1")
    assert response.status_code == 200
    assert '<option value="DC">DC – C</option>' in response.content.decode()
    assert snapshot() == before


def test_dissolve(as_huyen_a):
    response = post(as_huyen_a, "DA-2", "dissolve")
    assert response.status_code == 302
    assert not Unit.objects.get(code="DA-2").is_active


def test_htmx_success_redirects_the_browser(as_huyen_a):
    response = as_huyen_a.post(
        "/units/DA-1/rename/",
        {"name": "Mới", "effective_on": DAY, "reason": "r", "version": token("DA-1")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/units/DA-1/"


def test_htmx_error_returns_only_the_form(as_huyen_a):
    response = as_huyen_a.post(
        "/units/DA-1/rename/", {"name": "Mới", "reason": "r", "version": token("DA-1")},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith("<form") and "<html" not in page
    assert vi(errors.DATE_REQUIRED) in page


# --- bad input: a Vietnamese message and nothing changes ------------------------------


@pytest.mark.parametrize(
    ("code", "operation", "data", "message"),
    [
        ("DA-1", "rename", {"name": "X", "effective_on": ""}, errors.DATE_REQUIRED),
        ("DA-1", "rename", {"name": "X", "effective_on": "31/02/2025"}, forms.DATE_INVALID),
        ("DA-1", "rename", {"name": "X", "effective_on": "hôm qua"}, forms.DATE_INVALID),
        ("DA-1", "rename", {"name": "CĐCS A2"}, errors.NAME_TAKEN),
        ("DA-1", "rename", {"name": "X", "reason": ""}, forms.REASON_REQUIRED),
        ("DA", "dissolve", {}, errors.DISSOLVE_HAS_CHILDREN),
        ("DA", "split", {"parts": "DA = A"}, errors.SPLIT_NEEDS_PARTS),
        ("DA", "split", {"parts": "DA A\nDC = C"}, forms.PART_LINE_INVALID),
        ("DA", "create", {"code": "DB-1", "name": "X", "kind": "grassroots"}, errors.CODE_TAKEN),
        ("DA", "merge", {}, errors.MERGE_NEEDS_SOURCES),
    ],
)
def test_bad_input_shows_a_vietnamese_error_and_changes_nothing(
    as_tinh, code, operation, data, message
):
    before = snapshot()
    response = post(as_tinh, code, operation, **data)
    assert response.status_code == 200
    page = response.content.decode()
    vietnamese = vi(message)
    # The message's fixed words, around its %(…)s parameters, are on the page in Vietnamese.
    pieces = [p.strip(" .,“”") for p in re.split(r"%\(\w+\)s", vietnamese)]
    assert any(len(p) > 8 for p in pieces)
    for piece in pieces:
        assert piece in page, piece
    assert snapshot() == before


def test_future_date_is_refused(as_tinh):
    before = snapshot()
    tomorrow = format_date(today() + dt.timedelta(days=1))
    page = post(as_tinh, "DA-1", "rename", name="X", effective_on=tomorrow).content.decode()
    assert vi(errors.DATE_IN_FUTURE, date=tomorrow) in page
    assert snapshot() == before


def test_move_under_own_child_is_refused(as_tinh, org):
    before = snapshot()
    page = post(as_tinh, "DA", "move", parent=org.grassroots_a1.pk).content.decode()
    assert vi(forms.PARENT_CHOICE_INVALID) in page
    assert snapshot() == before


def test_a_service_error_is_shown_with_the_form(as_tinh, org):
    # Allowed by the form, refused by the service: a unit's history only grows forward.
    before = snapshot()
    response = post(as_tinh, "DA-1", "move", parent=org.district_b.pk, effective_on="01/01/1990")
    assert vi(errors.DATE_BEFORE_LAST_CHANGE, unit=org.grassroots_a1, last="01/01/2000") in (
        response.content.decode()
    )
    assert snapshot() == before


def test_stale_form_is_refused(as_huyen_a, org):
    old_token = token("DA-1")
    services.rename_unit(
        actor=None, unit=org.grassroots_a1, name="Tên khác", on=dt.date(2023, 1, 1)
    )
    before = snapshot()
    response = as_huyen_a.post(
        "/units/DA-1/rename/",
        {"name": "Tên của tôi", "effective_on": DAY, "reason": "r", "version": old_token},
    )
    assert vi(forms.STALE) in response.content.decode()
    assert snapshot() == before


def test_a_new_child_makes_a_split_form_stale(as_tinh, org):
    old_token = token("DA")
    services.create_unit(
        actor=None, code="DA-9", name="CĐCS A9", kind="grassroots", parent=org.district_a,
        on=dt.date(2023, 1, 1),
    )
    before = snapshot()
    response = as_tinh.post(
        "/units/DA/split/",
        {"parts": "DA = A\nDC = C", "effective_on": DAY, "reason": "r", "version": old_token},
    )
    assert vi(forms.STALE) in response.content.decode()
    assert snapshot() == before


# --- who may do what ---------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["create", "rename", "move", "merge", "split", "dissolve"])
def test_viewer_gets_403_and_changes_nothing(client, users, operation):
    client.force_login(users.district_viewer)
    before = snapshot()
    assert client.get(f"/units/DA-1/{operation}/").status_code == 403
    assert post(client, "DA-1", operation, name="X").status_code == 403
    assert snapshot() == before


def test_manager_may_not_reorganise_their_own_unit(as_huyen_a):
    assert as_huyen_a.get("/units/DA/rename/").status_code == 403
    assert as_huyen_a.get("/units/DA/dissolve/").status_code == 403
    # …but may found units under it.
    assert as_huyen_a.get("/units/DA/create/").status_code == 200


def test_only_managers_see_the_action_buttons(client, users):
    client.force_login(users.district_manager)
    assert "/units/DA-1/rename/" in client.get("/units/DA-1/").content.decode()
    client.force_login(users.district_viewer)
    page = client.get("/units/DA-1/").content.decode()
    assert "/units/DA-1/rename/" not in page and "/units/DA-1/dissolve/" not in page


def test_move_offers_only_parents_in_scope(client, users):
    client.force_login(users.province_manager)
    assert "LĐLĐ huyện B" in form_of(client.get("/units/DA-1/move/"))
    client.force_login(users.district_manager)
    assert "LĐLĐ huyện B" not in form_of(client.get("/units/DA-1/move/"))


def test_merge_offers_only_units_in_scope_of_the_same_kind(as_huyen_a):
    form = form_of(as_huyen_a.get("/units/DA-1/merge/"))
    assert "CĐCS A2" in form and "CĐCS B1" not in form and "LĐLĐ huyện A" not in form


def test_merge_of_a_unit_outside_scope_is_refused(as_huyen_a, org):
    before = snapshot()
    response = post(as_huyen_a, "DA-1", "merge", sources=[org.grassroots_b1.pk])
    assert response.status_code == 200
    assert snapshot() == before
