"""Plan pages: the list, the overview, the forms that change a plan, its documents."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congdoan.core.audit import history
from congdoan.plans import services, target_services
from congdoan.plans.models import Period, Plan, PlanDocument, Source, Task, TaskGroup
from congdoan.plans.tests.factory import make_indicator, make_plan

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def plan(org):
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    return make_plan(owner=org.province, indicators=[members], code="KH-1")


@pytest.fixture
def plan_b(org):
    return make_plan(owner=org.district_b, code="KH-B")


NEW = {
    "code": "KH-A-2024",
    "title": "Kế hoạch phát triển đoàn viên huyện A",
    "owner": "DA",
    "starts_on": "01/01/2024",
    "ends_on": "31/12/2025",
    "reason": "Nghị quyết 05",
}


# --- list and overview ---------------------------------------------------------------------


def test_the_list_shows_the_plans_of_ones_units_and_of_those_above(client, plan, plan_b, users):
    own = make_plan(owner=users.district_manager.unit, code="KH-A")
    client.force_login(users.district_manager)
    response = client.get("/plans/")
    assert response.status_code == 200
    assert set(response.context["plans"]) == {plan, own}
    assert "KH-B" not in response.content.decode()


def test_the_overview_shows_documents_periods_indicators_and_tasks(client, plan, users):
    services.attach_document(
        actor=None, plan=plan, file=SimpleUploadedFile("nq.pdf", b"%PDF-1.4"), title="NQ 05"
    )
    group = TaskGroup.objects.create(plan=plan, number=1, title="Tuyên truyền")
    Task.objects.create(group=group, number=1, title="Hội nghị", due_on=D(2022, 3, 31))
    Task.objects.create(
        group=group, number=2, title="Tọa đàm", due_on=D(2022, 3, 31), status=Task.Status.DONE
    )
    client.force_login(users.clerk)  # a grassroots union sees the province's plan
    response = client.get("/plans/KH-1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "NQ 05" in page and f"/plans/KH-1/documents/{plan.documents.get().pk}/" in page
    assert "2022–2023" in page
    assert "Members at the date" in page or "DV" in page
    assert response.context["task_total"] == 2
    counts = dict(response.context["task_counts"])
    assert counts[Task.Status.DONE.label] == 1 and counts[Task.Status.NOT_STARTED.label] == 1
    assert not response.context["may_manage"]
    assert 'aria-current="page"' in page
    assert "/plans/KH-1/edit/" not in page


def test_the_overview_draws_the_owners_targets_by_year(client, plan, org, users):
    for label, amount in (("2022", 1000), ("2023", 1500)):
        target_services.set_target(
            actor=None, plan=plan, indicator=plan.indicators.get(), unit=org.province,
            period=plan.periods.get(label=label), value=amount,
        )  # fmt: skip
    client.force_login(users.province_manager)
    response = client.get("/plans/KH-1/")
    chart = response.context["charts"][0]
    assert [c.label for c in chart["columns"]] == ["2022", "2023"]
    assert chart["columns"][1].height > chart["columns"][0].height
    assert "<svg" in response.content.decode()


def test_a_plan_one_does_not_see_is_not_found(client, plan_b, users):
    client.force_login(users.district_manager)
    assert client.get("/plans/KH-B/").status_code == 404
    assert client.get("/plans/NOPE/").status_code == 404


def test_signing_in_is_required(client, plan):
    response = client.get("/plans/KH-1/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- new and edit --------------------------------------------------------------------------


def test_a_district_manager_makes_a_plan_for_its_unit(client, org, users, plan):
    client.force_login(users.district_manager)
    assert client.get("/plans/new/").status_code == 200
    response = client.post("/plans/new/", {**NEW, "indicators": [plan.indicators.get().pk]})
    assert response.status_code == 302 and response["Location"] == "/plans/KH-A-2024/"
    made = Plan.objects.get(code="KH-A-2024")
    assert made.owner == org.district_a and made.status == Plan.Status.DRAFT
    assert [i.code for i in made.indicators.all()] == ["DV"]
    assert history(made).get().reason == "Nghị quyết 05"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "new"}, "code"),  # a word of the pages
        ({"code": "Indicators"}, "code"),
        ({"code": "135/KH-TLĐ"}, "code"),  # a slash would break the address
        ({"owner": "DB"}, "owner"),  # outside the scope
        ({"ends_on": "01/01/2023"}, "ends_on"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_plan_is_refused_beside_its_field(client, users, changes, field):
    client.force_login(users.district_manager)
    response = client.post("/plans/new/", {**NEW, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Plan.objects.exists()


def test_the_reserved_words_are_refused_by_the_service_too(org):
    with pytest.raises(Exception, match="reported"):
        make_plan(owner=org.province, code="reported")


def test_viewers_and_clerks_make_no_plan(client, users):
    for user in (users.district_viewer, users.clerk):
        client.force_login(user)
        assert client.get("/plans/new/").status_code == 403
        assert client.post("/plans/new/", NEW).status_code == 403
    assert not Plan.objects.exists()


def test_the_owners_manager_changes_the_plan(client, plan, users):
    other = make_indicator(code="CDCS")
    client.force_login(users.province_manager)
    assert client.get("/plans/KH-1/edit/").status_code == 200
    response = client.post(
        "/plans/KH-1/edit/",
        {
            "title": "Kế hoạch số 12",
            "starts_on": "01/01/2022",
            "ends_on": "31/12/2025",
            "indicators": [i.pk for i in plan.indicators.all()] + [other.pk],
            "reason": "Bổ sung",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.ends_on) == ("Kế hoạch số 12", D(2025, 12, 31))
    assert {i.code for i in plan.indicators.all()} == {"DV", "CDCS"}
    entry = history(plan).first()
    assert entry.reason == "Bổ sung" and entry.before["title"] == "Kế hoạch phát triển đoàn viên"


def test_a_plans_dates_keep_its_periods_and_indicators_with_targets(client, plan, org, users):
    target_services.set_target(
        actor=None, plan=plan, indicator=plan.indicators.get(), unit=org.province,
        period=plan.periods.get(label="2022"), value=10,
    )  # fmt: skip
    client.force_login(users.province_manager)
    edit = {"title": "X", "starts_on": "01/01/2023", "ends_on": "31/12/2023", "reason": ""}
    response = client.post("/plans/KH-1/edit/", edit)
    assert "starts_on" in response.context["form"].errors
    response = client.post(
        "/plans/KH-1/edit/", {**edit, "starts_on": "01/01/2022", "ends_on": "31/12/2023"}
    )
    assert "indicators" in response.context["form"].errors  # DV has a target
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch phát triển đoàn viên"


def test_only_the_owners_managers_change_a_plan(client, plan, plan_b, users):
    urls = ["edit/", "status/", "periods/new/", "documents/new/"]
    client.force_login(users.district_manager)
    for url in urls:
        assert client.get(f"/plans/KH-1/{url}").status_code == 403, url
        assert client.post(f"/plans/KH-1/{url}", {"reason": "x"}).status_code == 403, url
        assert client.get(f"/plans/KH-B/{url}").status_code == 404, url
    client.force_login(users.admin)
    for url in urls:
        assert client.get(f"/plans/KH-1/{url}").status_code == 200, url


# --- periods, documents, status ------------------------------------------------------------


def test_a_period_is_added(client, plan, users):
    client.force_login(users.province_manager)
    response = client.post(
        "/plans/KH-1/periods/new/",
        {"label": "Quý I/2022", "kind": "phase", "starts_on": "01/01/2022",
         "ends_on": "31/03/2022", "reason": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert plan.periods.filter(label="Quý I/2022", kind=Period.Kind.PHASE).exists()
    response = client.post(
        "/plans/KH-1/periods/new/",
        {"label": "2030", "kind": "year", "starts_on": "01/01/2030", "ends_on": "31/12/2030"},
    )
    assert "starts_on" in response.context["form"].errors


def test_a_document_is_attached_and_downloaded_within_scope(client, plan, plan_b, users):
    client.force_login(users.province_manager)
    upload = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 ke hoach", "application/pdf")
    response = client.post(
        "/plans/KH-1/documents/new/",
        {"file": upload, "title": "Kế hoạch 12", "kind": "plan", "reason": ""},
    )
    assert response.status_code == 302
    document = PlanDocument.objects.get(plan=plan)
    assert document.title == "Kế hoạch 12"
    client.force_login(users.district_manager)  # the province's plan, seen from below
    response = client.get(f"/plans/KH-1/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ke hoach"
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/plans/KH-B/documents/{document.pk}/").status_code == 404
    client.force_login(users.district_b_manager)
    assert client.get(f"/plans/KH-B/documents/{document.pk}/").status_code == 404


def test_only_pdf_or_word_documents(client, plan, users):
    client.force_login(users.province_manager)
    upload = SimpleUploadedFile("bang.xlsx", b"PK", "application/vnd.ms-excel")
    response = client.post("/plans/KH-1/documents/new/", {"file": upload, "kind": "other"})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not PlanDocument.objects.exists()


def test_the_status_moves_forward_only(client, plan, users):
    client.force_login(users.province_manager)
    response = client.get("/plans/KH-1/status/")
    assert response.context["form"]["status"].value() == Plan.Status.IN_FORCE
    response = client.post("/plans/KH-1/status/", {"status": "closed", "reason": ""})
    assert "status" in response.context["form"].errors  # a draft is not closed at once
    response = client.post("/plans/KH-1/status/", {"status": "in_force", "reason": "Ban hành"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_FORCE
    assert history(plan).first().operation == "change_status"
    client.post("/plans/KH-1/status/", {"status": "closed", "reason": "Kết thúc"})
    response = client.post("/plans/KH-1/status/", {"status": "draft", "reason": ""})
    assert "status" in response.context["form"].errors
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED
    response = client.post("/plans/KH-1/edit/", {"title": "X", "starts_on": "01/01/2022",
                                                  "ends_on": "31/12/2023"})  # fmt: skip
    assert response.context["form"].non_field_errors()  # closed: no more changes
