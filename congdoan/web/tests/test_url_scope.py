"""Every URL of the project, walked: outsiders get 403/404 and change nothing.

The patterns are read from the resolver, so a URL added later is covered without touching
this file, unless it takes a path parameter this file cannot fill: then the test fails and
asks for a district-B value for that parameter in OUTSIDE_VALUES.
"""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from congdoan.analytics.pdf import OPERATION as PDF_OPERATION
from congdoan.core.models import AuditEntry
from congdoan.enterprises.tests.factory import make_enterprise, valid_tax_code
from congdoan.imports.readers import read_tables
from congdoan.members import forms as member_forms
from congdoan.members import services as member_services
from congdoan.members.exports import OPERATION as EXPORT_OPERATION
from congdoan.members.forms_duplicates import pair_token
from congdoan.members.models import DuplicatePair, Member, Membership
from congdoan.org import forms
from congdoan.org.models import OrgEvent, Unit, UnitVersion
from congdoan.organizing.forms import case_token
from congdoan.organizing.models import Applicant, Case, StageEvent
from congdoan.organizing.tests.factory import make_case
from congdoan.plans import services as plan_services
from congdoan.plans import target_services
from congdoan.plans import tasks as plan_tasks
from congdoan.plans.models import (
    Period,
    Plan,
    PlanDocument,
    ReportedValue,
    Target,
    TargetChange,
    Task,
    TaskAttachment,
    TaskGroup,
    TaskUpdate,
)
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import make_member

SKIPPED_PREFIXES = ("admin/", "i18n/", settings.STATIC_URL.lstrip("/"))
# Views anyone may open without signing in.
PUBLIC = {"login/", "i18n/setlang/"}


def member_of(unit_code: str):
    """The pk of the member the org fixture below puts in that unit (looked up when used)."""
    return lambda: str(Member.objects.get(memberships__unit__code=unit_code).pk)


def case_of(owner_code: str):
    """The pk of the organizing case the org fixture below opens under that unit."""
    return lambda: str(Case.objects.get(owner__code=owner_code).pk)


def applicant_of(owner_code: str):
    return lambda: str(Applicant.objects.filter(case__owner__code=owner_code).first().pk)


def job_of(unit_code: str, username: str):
    """The pk of an import job made by that user of that unit (if the test has users)."""
    from django.contrib.auth import get_user_model

    from congdoan.imports.models import ImportJob

    def pk() -> str:
        job, _new = ImportJob.objects.get_or_create(
            original_name=f"{unit_code}.xlsx",
            defaults={
                "kind": "units", "status": "checked", "unit": Unit.objects.get(code=unit_code),
                "user": get_user_model().objects.filter(username=username).first(),
            },
        )  # fmt: skip
        return str(job.pk)

    return pk


def plan_part(model, lookup: str, plan_code: str):
    """The pk of the `model` row of the plan the org fixture below makes for that district."""
    return lambda: str(model.objects.filter(**{lookup: plan_code}).first().pk)


def plan_parts(code: str) -> list:
    return [
        plan_part(Task, "group__plan__code", code),
        plan_part(Target, "plan__code", code),
        plan_part(PlanDocument, "plan__code", code),
        plan_part(TaskAttachment, "update__task__group__plan__code", code),
    ]


# For each path parameter, values naming district B's objects (see the org fixture).
OUTSIDE_VALUES = {
    "code": ["DB", "DB-1"], "pk": [member_of("DB-1")], "verdict": ["accept", "cancel"],
    "case": [case_of("DB")], "direction": ["next", "back"], "action": ["pause", "stop"],
    "applicant": [applicant_of("DB")], "tax_code": [valid_tax_code(900_001)],
    "job": [job_of("DB", "huyen_b")],
}
# …and district A's, for the read-only roles (DA-2's member: the clerk of DA-1 may not
# change them either).
INSIDE_VALUES = {
    "code": ["DA", "DA-1"], "pk": [member_of("DA-2")], "verdict": ["accept", "cancel"],
    "case": [case_of("DA")], "direction": ["next", "back"], "action": ["pause", "stop"],
    "applicant": [applicant_of("DA")], "tax_code": [valid_tax_code(900_002)],
    "job": [job_of("DA", "huyen_a")],
}
# Under plans/ a code names a plan (coded after its district: plan DB is district B's) and
# a pk that plan's task, target, document or attachment.
PLAN_OUTSIDE_VALUES = {"code": ["DB"] * 4, "pk": plan_parts("DB")}
PLAN_INSIDE_VALUES = {"code": ["DA"] * 4, "pk": plan_parts("DA")}
OUTSIDER_NAME = "Lê Văn Bên Ngoài"

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def all_routes(resolver=None, prefix: str = ""):
    """Every route of the project as text, e.g. "units/<str:code>/rename/"."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + _route_text(entry)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from all_routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _route_text(entry) -> str:
    pattern = entry.pattern
    text = str(pattern)
    if hasattr(pattern, "_route"):
        return text
    # A re_path: keep it usable when it is a plain literal.
    literal = text.lstrip("^").rstrip("$")
    assert not re.search(r"[()\[\]?*+\\]", literal), f"cannot walk regex route {text!r}"
    return literal


def params_of(route: str) -> list[str]:
    return [m["name"] for m in _PARAM.finditer(route)]


def fill(route: str, values: dict) -> str:
    def value(match) -> str:
        found = values[match["name"]]
        return found() if callable(found) else found

    return "/" + _PARAM.sub(value, route)


def fillings(route: str, table: dict[str, list[str]]) -> list[str]:
    global_words = ("plans/indicators/", "plans/reported/")
    if route.startswith("plans/") and not route.startswith(global_words):
        plans = PLAN_OUTSIDE_VALUES if table is OUTSIDE_VALUES else PLAN_INSIDE_VALUES
        table = {**table, **plans}
    names = params_of(route)
    missing = [n for n in names if n not in table]
    assert not missing, (
        f"{route}: add values for {missing} to OUTSIDE_VALUES/INSIDE_VALUES in {__file__}"
    )
    width = max((len(table[n]) for n in names), default=1)
    return [fill(route, {n: table[n][i % len(table[n])] for n in names}) for i in range(width)]


@pytest.fixture
def org(org):
    """The shared org, with a member in a union of each district."""
    # National IDs make the "show the full number" button tempting: it records a view.
    outsider = make_member(
        unit=org.grassroots_b1, full_name=OUTSIDER_NAME, national_id="094090123456"
    )
    insider = make_member(
        unit=org.grassroots_a2, full_name="Trần Thị Bên Trong", gender="female",
        national_id="094190123457",
    )
    # A possible duplicate in each district: an older record of the same person, closed
    # before the first begins (a merge would succeed). The pair takes its first person's
    # key, so the `pk` values above name the pair too.
    for person, unit in ((outsider, org.grassroots_b2), (insider, org.grassroots_a1)):
        twin = make_member(
            unit=unit, full_name=person.full_name, gender=person.gender, on=dt.date(2010, 1, 1)
        )
        member_services.leave_union(
            actor=None, member=twin, on=dt.date(2014, 6, 1), reason="left_job"
        )
        DuplicatePair.objects.create(pk=person.pk, first=person, second=twin, score=100)
    # An organizing case at its founding congress in each district, ready to be recognised,
    # and an enterprise of district B with no case yet.
    for district in (org.district_a, org.district_b):
        make_case(owner=district, stage="congress", applicants=5,
                  name=f"Công ty Vận Động {district.code}")  # fmt: skip
    org.free_enterprise = make_enterprise(area_unit=org.district_b, name="Công ty Chưa Vận Động")
    # The enterprises the `tax_code` values name: the outsider's carries their name, so a
    # page that leaks it is caught by the name.
    make_enterprise(area_unit=org.district_b, tax_code=valid_tax_code(900_001), workers=80,
                    name=f"Công ty TNHH {OUTSIDER_NAME}")  # fmt: skip
    make_enterprise(area_unit=org.district_a, tax_code=valid_tax_code(900_002), workers=60,
                    name="Công ty TNHH Bên Trong")  # fmt: skip
    # A plan of each district, in force, with a target, a document and a task (of the
    # district itself, not of the clerk's union) that has a progress report with a file.
    indicator = make_indicator(code="DV_WALK")
    pairs = ((org.district_a, org.grassroots_a1), (org.district_b, org.grassroots_b1))
    for district, union in pairs:
        plan = make_plan(owner=district, indicators=[indicator], code=district.code)
        plan_services.change_plan_status(actor=None, plan=plan, status=Plan.Status.IN_FORCE)
        target_services.set_target(actor=None, plan=plan, indicator=indicator, unit=union,
                                 period=plan.periods.first(), value=50)  # fmt: skip
        plan_services.attach_document(
            actor=None, plan=plan, title="Kế hoạch", kind="plan",
            file=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 thu", "application/pdf"),
        )  # fmt: skip
        group = plan_tasks.create_group(actor=None, plan=plan, title="Tuyên truyền")
        task = plan_tasks.add_task(
            actor=None, group=group, title="Hội nghị", responsible=[district], due="Q1-2022"
        )
        plan_tasks.report_progress(
            actor=None, task=task, unit=district, on=dt.date(2022, 2, 1), text="Đã họp",
            status="in_progress", files=[SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bb")],
        )  # fmt: skip
    return org


def snapshot():
    return (
        list(Unit.objects.order_by("pk").values_list()),
        list(UnitVersion.objects.order_by("pk").values_list()),
        OrgEvent.objects.count(),
        list(Member.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list()),
        list(DuplicatePair.objects.order_by("pk").values_list()),
        list(Case.objects.order_by("pk").values_list()),
        StageEvent.objects.count(),
        list(Applicant.objects.order_by("pk").values_list()),
        *(
            list(model.objects.order_by("pk").values_list())
            for model in (Plan, Period, Target, TargetChange, PlanDocument, TaskGroup, Task,
                          TaskUpdate, TaskAttachment, ReportedValue)
        ),  # fmt: skip
        # An export is a read the trail records (who took which list), not a change.
        AuditEntry.objects.exclude(operation__in=[EXPORT_OPERATION, PDF_OPERATION]).count(),
    )


def pdf_text(content: bytes) -> str:
    """What a PDF says in plain bytes and its title (fpdf2 writes it as UTF-16 hex)."""
    titles = re.findall(rb"/Title <feff([0-9a-f]*)>", content)
    return content.decode("latin-1") + "".join(
        bytes.fromhex(t.decode()).decode("utf-16-be") for t in titles
    )


def page_text(response) -> str:
    """The page's text; for a spreadsheet download, the text of its cells."""
    if response.get("Content-Type") == "application/pdf":
        return pdf_text(response.content)
    if not response.streaming:
        return response.content.decode()
    data = b"".join(response.streaming_content)
    tables = read_tables(io.BytesIO(data), name="download.xlsx")
    return "\n".join(str(cell) for table in tables for row in table.rows for cell in row)


def tempting_post_data(url: str, org) -> dict:
    """What a form would need to succeed, so that a missing check would show as a change."""
    code = url.strip("/").split("/")[1] if url.count("/") > 2 else ""
    unit = Unit.objects.filter(code=code).first()
    is_member_url = url.startswith("/members/") and code.isdigit()
    member = Member.objects.filter(pk=code).first() if is_member_url else None
    is_pair_url = url.startswith("/members/duplicates/") and url.count("/") > 3
    pair = DuplicatePair.objects.filter(pk=url.split("/")[3]).first() if is_pair_url else None
    is_case_url = url.startswith("/organizing/") and code.isdigit()
    case = Case.objects.filter(pk=code).first() if is_case_url else None
    if member is not None:
        version = member_forms.member_token(member)
    elif case is not None:
        version = case_token(case)
    elif pair is not None:
        version = pair_token(pair)
    else:
        version = forms.revision_token(unit) if unit else ""
    return {
        "effective_on": "01/03/2024",
        "reason": "retired" if url.endswith("/leave/") else "thử",
        "version": version,
        "code": "NEW-1",
        "name": "Tên mới",
        "kind": "grassroots",
        "parent": (org.district_a if "/DB" in url else org.district_b).pk,
        "sources": [org.grassroots_b2.pk, org.grassroots_a2.pk],
        "parts": "NEW-2 = Một\nNEW-3 = Hai",
        "username": "huyen_b",
        "password": "wrong",
        # Member forms: a new member goes into district B's union (outside every tester's
        # scope); a member is moved into the union of the clerk (the district's first).
        "full_name": "Người Mới",
        "gender": "male",
        "born": "17/05/1990",
        "nationality": "VN",
        "on": "01/03/2024",
        "unit": (org.grassroots_b1 if url == "/members/new/" else org.grassroots_a1).pk,
        "to_unit": org.grassroots_a1.pk,
        # Possible duplicates: merge into the first record.
        "keep": pair.first_id if pair else "",
        # Organizing: open a case for district B's enterprise; recognise a case, step it
        # back, pause or stop it, add an applicant.
        "enterprise": org.free_enterprise.pk,
        "owner": org.district_b.pk,
        "opened_on": "01/03/2024",
        "decision_number": "1/QĐ-LĐLĐ",
        "decision_date": "01/06/2024",
        "applied_on": "01/03/2024",
        "next_step": "Gặp giám đốc",
        "next_step_due": "01/03/2030",
        # Plans: a plan, a period, a task and its report, targets and a split.
        "title": "Kế hoạch mới",
        "starts_on": "01/01/2022",
        "ends_on": "31/12/2023",
        "status": "closed",
        "label": "2030",
        "text": "Đã làm",
        "progress": "50",
        "due": "Q1-2022",
        "responsible": [org.district_a.pk, org.district_b.pk],
        "group": TaskGroup.objects.filter(plan__code=code).values_list("pk", flat=True).first()
        or "",
        "method": "members",
        "total": "100",
        **{f"{prefix}-{key}": value for prefix in ("pause", "stop") for key, value in (
            ("on", "01/03/2024"), ("reason", "thử"), ("version", version))},
    }


def test_the_walk_finds_the_unit_pages():
    routes = set(all_routes())
    assert {"", "units/", "units/<str:code>/", "units/<str:code>/merge/"} <= routes
    assert {"members/", "members/new/", "members/<int:pk>/", "members/<int:pk>/leave/"} <= routes


@pytest.mark.parametrize("route", sorted(set(all_routes())))
def test_district_a_manager_cannot_reach_district_b(client, org, users, route):
    outsider_words = ["CĐCS B1", "CĐCS B2", "LĐLĐ huyện B", "/units/DB", OUTSIDER_NAME]
    for url in fillings(route, OUTSIDE_VALUES):
        for headers in ({}, {"HX-Request": "true"}):
            client.force_login(users.district_manager)
            before = snapshot()
            response = client.get(url, headers=headers)
            if params_of(route):
                assert response.status_code in {403, 404, 405}, (url, response.status_code)
            else:
                page = page_text(response)
                assert not [w for w in outsider_words if w in page], url
            response = client.post(url, tempting_post_data(url, org), headers=headers)
            if params_of(route):
                assert response.status_code in {403, 404, 405}, (url, response.status_code)
            assert snapshot() == before, url


@pytest.mark.parametrize("route", sorted(set(all_routes())))
def test_read_only_roles_change_nothing_in_their_own_district(client, org, users, route):
    for user in (users.district_viewer, users.district_approver, users.clerk):
        for url in fillings(route, INSIDE_VALUES):
            client.force_login(user)
            before = snapshot()
            response = client.post(url, tempting_post_data(url, org))
            assert response.status_code != 302 or "/login/" in response["Location"], url
            assert snapshot() == before, (user, url)


@pytest.mark.parametrize("route", sorted(set(all_routes())))
def test_anonymous_users_are_sent_to_sign_in(client, org, route):
    if route in PUBLIC:
        return
    for url in fillings(route, OUTSIDE_VALUES):
        before = snapshot()
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/?next="), url
        assert snapshot() == before


# Pages that name a unit or a plan in the query string, not the path: the walk above cannot
# fill them, so each is asked here for district B's (404, and nothing recorded).
QUERY_URLS = [
    "/dashboard/?unit=DB", "/dashboard/?unit=db-1", "/dashboard/?plan=DB",
    "/dashboard/?plan=DB&unit=DB", "/dashboard/summary.pdf?unit=DB-1",
    "/dashboard/summary.pdf?plan=DB", "/dashboard/summary.pdf?unit=P",
]  # fmt: skip


@pytest.mark.parametrize("url", QUERY_URLS)
def test_query_strings_naming_another_district_are_not_found(client, org, users, url):
    for user in (users.district_manager, users.district_viewer, users.clerk):
        client.force_login(user)
        before = AuditEntry.objects.count()
        assert client.get(url).status_code == 404, (user, url)
        assert AuditEntry.objects.count() == before


def test_an_expired_session_sends_htmx_requests_to_sign_in_as_a_whole_page(client, org):
    response = client.get(
        "/units/tree/children/DA/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/units/?as_of=01/01/2024",
        },
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/units/%3Fas_of%3D01/01/2024"
