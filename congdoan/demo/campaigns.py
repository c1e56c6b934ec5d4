"""The demo's organizing campaigns: cases in enterprises that need a union.

Picks operating enterprises with at least ENTERPRISES_MIN_WORKERS workers and no union
today, and opens 40–80 cases (fewer if fewer enterprises qualify) spread over every stage
and state, with applicants, next steps (some overdue) and a few recognised through the real
`recognition.recognise` service. Everything goes through the organizing services, so the
cases have the history, audit and members production would have. Synthetic: the people
are made up.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from congdoan.demo import data
from congdoan.demo.people import PersonMaker
from congdoan.enterprises.models import Enterprise
from congdoan.enterprises.selectors import with_figures_on
from congdoan.members.models import Member
from congdoan.org.models import Unit, path_ids
from congdoan.organizing import recognition, rules, services
from congdoan.organizing.models import OPEN, STAGES, Case, Stage, State

DAY = dt.timedelta(days=1)
SYNTHETIC = "Dữ liệu minh hoạ (tổng hợp)"
# Where each case ends up, in a cycle, so that even a few enterprises show every stage.
PLAN: list[tuple[str, str]] = [
    (Stage.IDENTIFIED, State.ACTIVE),
    (Stage.CONTACTED, State.ACTIVE),
    (Stage.BOARD, State.ACTIVE),
    (Stage.APPLICATIONS, State.ACTIVE),
    (Stage.CONGRESS, State.ACTIVE),
    (Stage.RECOGNISED, State.ACTIVE),
    (Stage.CONTACTED, State.PAUSED),
    (Stage.IDENTIFIED, State.STOPPED),
    (Stage.APPLICATIONS, State.ACTIVE),
    (Stage.CONTACTED, State.ACTIVE),
    (Stage.BOARD, State.STOPPED),
    (Stage.IDENTIFIED, State.ACTIVE),
]
NEXT_STEPS = {
    Stage.IDENTIFIED: ["Liên hệ ban giám đốc", "Khảo sát số lao động", "Gửi thư giới thiệu"],
    Stage.CONTACTED: ["Gặp người lao động nòng cốt", "Tuyên truyền Luật Công đoàn tại cổng"],
    Stage.BOARD: ["Phát đơn xin gia nhập", "Họp Ban vận động"],
    Stage.APPLICATIONS: ["Chuẩn bị Đại hội thành lập", "Thu thêm đơn gia nhập"],
    Stage.CONGRESS: ["Trình hồ sơ công nhận"],
}
PAUSE_REASONS = ["Doanh nghiệp xin lùi lại sau Tết", "Ban vận động chưa kiện toàn"]
STOP_REASONS = ["Doanh nghiệp ngừng hoạt động", "Người lao động chưa đồng thuận"]
POSITIONS = ["Công nhân", "Tổ trưởng", "Kỹ thuật viên", "Nhân viên kho", "Kế toán"]


@dataclass
class CampaignSummary:
    cases: int = 0
    recognised: int = 0
    members: int = 0
    overdue: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)


def eligible_enterprises(today: dt.date) -> list[Enterprise]:
    """Operating enterprises with enough workers, no union and no open case, today."""
    return list(
        with_figures_on(Enterprise.objects.all(), today)
        .filter(workers__gte=settings.ENTERPRISES_MIN_WORKERS, union_id__isnull=True)
        .exclude(organizing_cases__in=Case.objects.filter(OPEN))
        .select_related("area_unit")
        .order_by("pk")
    )


def owner_of(enterprise: Enterprise) -> Unit | None:
    """The living upper-level unit nearest above the enterprise's area (itself first)."""
    ids = path_ids(enterprise.area_unit.path)
    units = Unit.objects.in_bulk(ids)
    for pk in reversed(ids):
        unit = units.get(pk)
        if unit is not None and unit.is_active and unit.kind in rules.OWNER_KINDS:
            return unit
    return None


class Campaigns:
    def __init__(self, *, rng: random.Random, today: dt.date) -> None:
        self.rng, self.today = rng, today
        self.maker = PersonMaker(rng)

    def dates(self, start: dt.date, steps: int) -> list[dt.date]:
        """`steps` dates after `start`, in order, the last well before today."""
        span = max((self.today - start).days - 10, steps)
        picks = sorted(self.rng.sample(range(1, span + 1), steps)) if steps else []
        return [min(start + d * DAY, self.today) for d in picks]

    def national_id(self, gender: str, year: int) -> str | None:
        if self.rng.random() < 0.2:
            return None  # not given on the application
        number = self.maker.national_id("094", gender, year)
        # Synthetic, but never a number the demo's members already hold.
        return None if Member.objects.filter(national_id=number).exists() else number

    def add_applicants(self, case: Case, n: int, first: dt.date, last: dt.date) -> None:
        for _ in range(n):
            gender = self.rng.choice(["male", "female", "female"])
            born = dt.date(self.rng.randint(1970, 2004), self.rng.randint(1, 12), 15)
            services.add_applicant(
                actor=None, case=case, full_name=self.maker.name("Kinh", gender), gender=gender,
                birth_date=born, national_id=self.national_id(gender, born.year),
                position=self.rng.choice(POSITIONS),
                applied_on=first + self.rng.randint(0, max((last - first).days, 0)) * DAY,
            )  # fmt: skip

    def run(self, enterprise: Enterprise, owner: Unit, stage: str, state: str) -> Case:
        rng = self.rng
        opened = self.today - rng.randint(60, 540) * DAY
        case = services.open_case(
            actor=None, enterprise=enterprise, owner=owner, on=opened, note=SYNTHETIC
        )
        target = STAGES.index(Stage.CONGRESS if stage == Stage.RECOGNISED else stage)
        steps = self.dates(opened, target + (stage == Stage.RECOGNISED))
        workers = getattr(enterprise, "workers", None) or 30
        previous = opened
        for day in steps[:target]:
            if case.stage == Stage.BOARD:
                # The applications are signed between the board's forming and their count.
                n = rng.randint(5, max(6, min(25, workers // 3)))
                self.add_applicants(case, n, previous, day)
            case = services.advance(actor=None, case=case, on=day)
            previous = day
        if case.stage == Stage.BOARD:
            self.add_applicants(case, rng.randint(0, 4), previous, self.today)
        if stage == Stage.RECOGNISED:
            return self.recognise(case, steps[-1])
        if state == State.PAUSED:
            case = services.pause(
                actor=None, case=case, on=self.today - rng.randint(1, 20) * DAY,
                reason=rng.choice(PAUSE_REASONS),
            )  # fmt: skip
        elif state == State.STOPPED:
            return services.stop(
                actor=None, case=case, on=self.today - rng.randint(1, 20) * DAY,
                reason=rng.choice(STOP_REASONS),
            )  # fmt: skip
        due = self.today + rng.randint(-30, 45) * DAY  # about 4 in 10 overdue
        return services.set_next_step(
            actor=None, case=case, next_step=rng.choice(NEXT_STEPS[case.stage]),
            due=max(due, case.opened_on),
        )  # fmt: skip

    def recognise(self, case: Case, day: dt.date) -> Case:
        try:
            with transaction.atomic():
                return recognition.recognise(
                    actor=None, case=case, decision_number=f"{self.rng.randint(1, 300)}/QĐ-LĐLĐ",
                    decision_date=day,
                    # Synthetic, like every demo union founded in the demo.
                    union_name=f"CĐCS {case.enterprise.name} {data.SYNTHETIC}",
                )  # fmt: skip
        except ValidationError:
            # An applicant the rules refuse: the case waits at its congress, as it would.
            return Case.objects.get(pk=case.pk)


@transaction.atomic
def load_campaigns(
    *, rng: random.Random, today: dt.date, count: int | None = None
) -> CampaignSummary:
    """Open 40–80 organizing cases (or `count`; fewer if fewer enterprises qualify)."""
    candidates = eligible_enterprises(today)
    rng.shuffle(candidates)
    wanted = count if count is not None else rng.randint(40, 80)
    campaigns = Campaigns(rng=rng, today=today)
    made: list[Case] = []
    for enterprise in candidates:
        if len(made) >= wanted:
            break
        owner = owner_of(enterprise)
        if owner is None:
            continue
        stage, state = PLAN[len(made) % len(PLAN)]
        try:
            with transaction.atomic():
                made.append(campaigns.run(enterprise, owner, stage, state))
        except ValidationError:
            continue  # e.g. not operating on the day drawn: another enterprise takes its place
    stages = Counter(case.stage for case in made)
    recognised = [case for case in made if case.stage == Stage.RECOGNISED]
    return CampaignSummary(
        cases=len(made),
        recognised=len(recognised),
        members=sum(case.applicants.count() for case in recognised),
        overdue=sum(
            1
            for c in made
            if c.is_open and c.state == State.ACTIVE and c.next_step_due and c.next_step_due < today
        ),  # fmt: skip
        by_stage={stage: stages.get(stage, 0) for stage in STAGES},
    )
