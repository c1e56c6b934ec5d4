"""The demo's plan PTDV-2023: its targets split among the units of 2022, document and tasks."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from congdoan.demo import plans as demo_plans
from congdoan.demo.services import load_demo
from congdoan.members import selectors as member_selectors
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit
from congdoan.plans import selectors, task_selectors
from congdoan.plans.models import Aggregation, Plan, Source, Target, TargetChange, Task

TODAY = dt.date(2026, 1, 31)
SMALL = 20


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, media):
    """One small demo for the module's tests, which only read it; rolled back at the end."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=media):
        with transaction.atomic():
            yield load_demo(today=TODAY, size=SMALL)
            transaction.set_rollback(True)


@pytest.fixture
def plan(demo, db, settings, media):
    settings.MEDIA_ROOT = media
    return Plan.objects.get(code="PTDV-2023")


def targets(plan, code: str, label: str) -> dict[str, Decimal]:
    rows = Target.objects.filter(plan=plan, indicator__code=code, period__label=label)
    return dict(rows.values_list("unit__code", "value"))


def test_the_plan_of_the_province_runs_over_2022_and_2023(plan):
    assert plan.title == demo_plans.TITLE
    assert plan.owner.code == "LDLD-ST" and plan.status == Plan.Status.IN_FORCE
    assert (plan.starts_on, plan.ends_on) == (dt.date(2022, 1, 1), dt.date(2023, 12, 31))
    periods = {p.label: (p.kind, p.starts_on, p.ends_on) for p in plan.periods.all()}
    assert periods == {
        "2022": ("year", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
        "2023": ("year", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        "2022–2023": ("phase", dt.date(2022, 1, 1), dt.date(2023, 12, 31)),
    }


def test_indicators_are_computed_reported_or_a_formula(plan):
    indicators = {i.code: i for i in plan.indicators.all()}
    assert len(indicators) == 8
    sources = {i.source for i in indicators.values()}
    assert sources == {Source.COMPUTED, Source.REPORTED, Source.FORMULA}
    coverage = indicators["TL_DN_CDCS"]
    assert coverage.min_workers == 20 and coverage.aggregation == Aggregation.NONE
    assert indicators["DV_TONG"].calculator == "members"
    assert indicators["TL_DV_MOI"].formula == "round(DV_MOI / DV_TONG * 100, 2)"
    # The wizard's base for the province is the registry's count at the plan's start.
    first = plan.periods.get(label="2022")
    counted = member_selectors.count_members(unit=plan.owner, on=first.starts_on).members
    assert selectors.current_value(indicators["DV_TONG"], plan.owner, first) == counted


def test_the_headline_targets_are_the_real_ones(plan):
    assert targets(plan, "DV_TONG", "2023")["LDLD-ST"] == 63_000
    assert targets(plan, "DV_TONG", "2022–2023")["LDLD-ST"] == 63_000
    assert targets(plan, "TL_DN_CDCS", "2023")["LDLD-ST"] == 100
    step = targets(plan, "DV_TONG", "2022")["LDLD-ST"]
    assert step < 63_000 and step % 100 == 0


def test_member_targets_are_split_among_the_units_under_the_province_in_2022(plan):
    children = {
        n.code for n in org_selectors.tree_as_of(dt.date(2022, 1, 1)).children_of(plan.owner_id)
    }
    assert len(children) == 15
    for code in ("DV_TONG", "DV_MOI"):
        for label in ("2022", "2023"):
            values = targets(plan, code, label)
            total = values.pop("LDLD-ST")
            assert set(values) == children, (code, label)
            assert sum(values.values()) == total, (code, label)
    # The phase is the province's alone.
    assert set(targets(plan, "DV_TONG", "2022–2023")) == {"LDLD-ST"}
    grid = selectors.target_grid(plan, plan.indicators.get(code="DV_TONG"))
    assert all(not any(row.mismatch.values()) for row in grid.rows)


def test_two_districts_targets_were_adjusted_by_hand_and_their_history_says_why(plan):
    changes = TargetChange.objects.filter(
        target__plan=plan, target__indicator__code="DV_TONG", target__period__label="2023",
        target__unit__code__in=["ST-CLD", "ST-TP"],
    ).order_by("target__unit__code", "pk")  # fmt: skip
    cld = [c for c in changes if c.target.unit.code == "ST-CLD"]
    assert [c.reason for c in cld] == [demo_plans.R_SPLIT, demo_plans.R_DISTRICTS]
    assert cld[1].after == cld[0].after - 100 == cld[1].before - 100
    assert changes.filter(reason=demo_plans.R_DISTRICTS).count() == 2
    # The sector unions have little enterprise potential; they asked for more new members.
    for label in ("2022", "2023"):
        sectors = TargetChange.objects.filter(
            target__plan=plan, target__indicator__code="DV_MOI", target__period__label=label,
            reason=demo_plans.R_SECTORS,
        )  # fmt: skip
        moved = {c.target.unit.code: c.after - c.before for c in sectors}
        gained = moved.pop("ST-GD") + moved.pop("ST-YT")
        assert gained > 0 and sum(moved.values()) == -gained, label


def test_the_plan_document_is_a_pdf_in_the_media_folder(plan, media):
    document = plan.documents.get()
    assert document.kind == "plan" and document.title == demo_plans.TITLE
    path = media / document.file.name
    assert path.is_file()
    content = path.read_bytes()
    assert content.startswith(b"%PDF-1.4") and content.endswith(b"%%EOF\n")
    assert b"63.000" in content and b"Trien khai ke hoach den cac cong doan co so" in content


def test_the_generated_pdf_has_a_correct_cross_reference_table():
    lines = [f"Dòng {i}: Liên đoàn (Lao động) \\ tỉnh – ≥ 20" for i in range(130)]
    content = demo_plans.make_pdf("Kế hoạch", lines)
    assert content == demo_plans.make_pdf("Kế hoạch", lines)
    start = int(re.search(rb"startxref\n(\d+)\n", content)[1])
    table = content[start:].split(b"trailer")[0].split(b"\n")
    assert table[0] == b"xref"
    count = int(table[1].split()[1])
    offsets = [int(row.split()[0]) for row in table[3 : 2 + count]]
    for number, offset in enumerate(offsets, start=1):
        assert content[offset:].startswith(b"%d 0 obj" % number)
    assert b"/Count 3" in content  # 130 lines, 56 a page
    assert b"(Dong 0: Lien doan \\(Lao dong\\) \\\\ tinh - >= 20) Tj" in content
    assert ("\ufeffKế hoạch".encode("utf-16-be").hex().upper().encode()) in content


def test_six_groups_of_tasks_with_the_deployment_due_in_the_first_quarter_of_2022(plan):
    groups = task_selectors.task_groups(plan, on=TODAY)
    assert len(groups) == 6
    assert all(2 <= len(row.tasks) <= 5 for row in groups)
    deploy = Task.objects.get(group__plan=plan, title="Triển khai kế hoạch đến các công đoàn cơ sở")
    assert deploy.due_kind == Task.Due.QUARTER and deploy.due_on == dt.date(2022, 3, 31)
    assert deploy.status == Task.Status.DONE and deploy.progress == 100
    assert deploy.responsible.count() >= 14
    kinds = set(Task.objects.filter(group__plan=plan).values_list("due_kind", flat=True))
    assert kinds == set(Task.Due.values)
    overdue = [t for row in groups for t in row.tasks if t.overdue]
    assert [t.title for t in overdue] == [
        "Vận động thành lập CĐCS tại các doanh nghiệp trong KCN An Nghiệp"
    ]


def test_progress_updates_make_the_plans_news(plan):
    news = list(task_selectors.news(plan))
    assert len(news) >= 20
    assert news[0].on == dt.date(2023, 12, 27)
    assert {u.on.year for u in news} == {2022, 2023}
    assert {u.status for u in news} == {Task.Status.DONE, Task.Status.IN_PROGRESS}
    files = [a for u in news for a in u.attachments.all()]
    assert len(files) == 3 and all(a.name.endswith(".pdf") for a in files)
    deploy_news = [u for u in news if u.task.title.startswith("Triển khai kế hoạch")]
    assert [u.on for u in deploy_news] == [
        dt.date(2022, 3, 31),
        dt.date(2022, 3, 15),
        dt.date(2022, 2, 24),
    ]
    assert Unit.objects.get(code="ST-TP") in {u.unit for u in deploy_news}
