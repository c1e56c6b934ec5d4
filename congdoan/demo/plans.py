"""The demo's plan: Sóc Trăng's "Kế hoạch phát triển đoàn viên, thành lập công đoàn cơ sở
đến năm 2023" (PTDV-2023), deployed in the first quarter of 2022.

Real: the owner, the dates, the headline targets (63,000 members by the end of 2023; a
grassroots union in 100% of operating enterprises with 20 workers or more), its shape (seven
yearly indicators, six groups of tasks and solutions) and the deployment to grassroots
unions by Q1-2022. Derived from the demo's registry, as a planner would from last year's
figures: the 2022 step and the figures the article does not give. Illustrative: which seven
indicators (the usual ones), the wording of the tasks, the progress updates and the
generated documents (a summary, not the original text).

Everything goes through plans.services and plans.tasks; the targets are split the way a user
runs the split wizard (selectors.split_inputs and proposals), then adjusted by hand.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from congdoan.core.dates import format_date
from congdoan.core.text import strip_accents
from congdoan.org.models import Unit
from congdoan.plans import indicator_services, selectors, services, target_services, tasks
from congdoan.plans.models import Indicator, Measure, Period, Plan, PlanDocument
from congdoan.plans.models import Source as S

D = dt.date
CODE = "PTDV-2023"
TITLE = "Kế hoạch phát triển đoàn viên, thành lập công đoàn cơ sở đến năm 2023"
OWNER = "LDLD-ST"
STARTS, ENDS = D(2022, 1, 1), D(2023, 12, 31)
PHASE = "2022–2023"
MEMBERS_2023 = Decimal(63_000)
COVERAGE_2023 = Decimal(100)
MIN_WORKERS = 20
ILLUSTRATIVE = "Văn bản minh họa do hệ thống tạo cho bản demo, tóm tắt theo bài báo"
R_PLAN = "Kế hoạch của Ban Thường vụ LĐLĐ tỉnh, triển khai tại hội nghị ngày 24/02/2022"
R_SPLIT = "Phân bổ chỉ tiêu cho LĐLĐ cấp huyện, công đoàn ngành và tương đương"
R_DISTRICTS = "Điều chỉnh theo ý kiến góp ý của các LĐLĐ huyện"
R_SECTORS = (
    "Điều chỉnh theo ý kiến góp ý của Công đoàn ngành Giáo dục, Y tế: "
    "kết nạp viên chức mới tuyển dụng"
)

# code, name, measure, source, aggregation, calculator or formula. The coverage percentage
# does not add up the tree, and a ratio of sums would need summed counts of enterprises
# with and without a union, which no calculator gives: the calculator computes it for
# every unit from the registry instead, so it does not aggregate.
INDICATORS = [
    ("DV_TONG", "Tổng số đoàn viên công đoàn", Measure.PEOPLE, S.COMPUTED, "sum", "members"),
    ("DV_MOI", "Số đoàn viên kết nạp mới", Measure.PEOPLE, S.COMPUTED, "sum", "members_joined"),
    ("DV_KVNNN", "Số đoàn viên khu vực ngoài nhà nước", Measure.PEOPLE, S.COMPUTED, "sum",
     "members_non_state"),
    ("CDCS_MOI", "Số công đoàn cơ sở, nghiệp đoàn cơ sở thành lập mới", Measure.UNITS,
     S.COMPUTED, "sum", "grassroots_founded"),
    ("CDCS_TONG", "Tổng số công đoàn cơ sở, nghiệp đoàn cơ sở", Measure.UNITS, S.COMPUTED, "sum",
     "grassroots_units"),
    ("TL_DN_CDCS", "Tỷ lệ doanh nghiệp đang hoạt động có từ 20 lao động trở lên có CĐCS",
     Measure.PERCENT, S.COMPUTED, "none", "enterprise_coverage"),
    ("CDCS_HTTNV", "Số CĐCS xếp loại hoàn thành tốt nhiệm vụ trở lên",
     Measure.UNITS, S.REPORTED, "sum", ""),
    ("TL_DV_MOI", "Tỷ lệ đoàn viên kết nạp mới so với tổng số đoàn viên (%)", Measure.PERCENT,
     S.FORMULA, "none", "round(DV_MOI / DV_TONG * 100, 2)"),
]  # fmt: skip


@dataclass
class PlanSummary:
    plan: Plan
    # unit code → period label → target, for DV_TONG (the province and its children).
    members: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    targets: int = 0
    groups: int = 0
    tasks: int = 0
    updates: int = 0


def up_to(value, step: int) -> Decimal:
    """`value` rounded up to whole `step`s: targets are set in round figures."""
    return Decimal(math.ceil(Decimal(value) / step) * step)


def nearest(value, step: int) -> Decimal:
    return (Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def create_indicators() -> dict[str, Indicator]:
    made = {}
    for code, name, measure, source, aggregation, how in INDICATORS:
        made[code] = indicator_services.create_indicator(
            actor=None, code=code, name=name, measure=measure, source=source,
            aggregation=aggregation, calculator=how if source == S.COMPUTED else "",
            formula=how if source == S.FORMULA else "",
            min_workers=MIN_WORKERS if code == "TL_DN_CDCS" else None,
        )  # fmt: skip
    return made


class PlanLoader:
    def __init__(self, plan: Plan, indicators: dict[str, Indicator], periods: dict[str, Period]):
        self.plan, self.indicators, self.periods = plan, indicators, periods
        self.owner = plan.owner
        self.summary = PlanSummary(plan=plan)
        self.inputs: list[selectors.SplitInput] | None = None

    def now(self, code: str, label: str) -> Decimal:
        """What the split wizard shows as the province's base for the period."""
        value = selectors.current_value(self.indicators[code], self.owner, self.periods[label])
        return value or Decimal(0)

    def set(self, code: str, label: str, value, reason: str = R_PLAN) -> None:
        target_services.set_target(
            actor=None, plan=self.plan, indicator=self.indicators[code], unit=self.owner,
            period=self.periods[label], value=value, reason=reason,
        )  # fmt: skip
        self.summary.targets += 1

    def split(self, code: str, label: str, method: str, total) -> dict[str, Decimal]:
        """The wizard's proposal applied as it is; unit code → target.

        Both years are split in the first quarter of 2022, so on what the wizard knows of
        each unit on 01/01/2022 (its members and potential; read once: the potential takes
        a while per unit).
        """
        if self.inputs is None:
            first = self.periods["2022"]
            self.inputs = selectors.split_inputs(self.plan, self.indicators[code], self.owner,
                                                 first)  # fmt: skip
        proposed = selectors.proposals(method, total, self.inputs)
        values = {p.key: p.proposed for p in proposed}
        return self.apply(code, label, values, R_SPLIT)

    def adjust(self, code: str, label: str, moves: list[tuple[str, str, int]], reason: str):
        """Move targets between children by hand (from, to, how much), keeping the total;
        from "" is the child with the largest target that receives nothing; none goes below
        zero."""
        period = self.periods[label]
        units = {u.code: u for u in selectors.children_of(self.owner, period.starts_on)}
        given = self.plan.targets.filter(indicator=self.indicators[code], period=period)
        values = dict(given.values_list("unit_id", "value"))
        changed: dict[int, Decimal] = {}
        givers = [c for c in units if c not in {to for _, to, _ in moves}]
        for source, target, amount in moves:
            source = source or max(givers, key=lambda c: (values[units[c].pk], c))
            amount = min(Decimal(amount), values[units[source].pk])
            for unit, delta in ((units[source], -amount), (units[target], amount)):
                values[unit.pk] = changed[unit.pk] = values[unit.pk] + delta
        return self.apply(code, label, changed, reason)

    def apply(self, code: str, label: str, values: dict[int, Decimal], reason: str):
        result = target_services.apply_split(
            actor=None, plan=self.plan, indicator=self.indicators[code], parent_unit=self.owner,
            period=self.periods[label], values=values, reason=reason,
        )  # fmt: skip
        self.summary.targets += len(result.targets)
        return {t.unit.code: t.value for t in result.targets}

    def set_targets(self) -> None:
        """The plan's targets: the real headline figures, the rest from last year's."""
        base = self.now("DV_TONG", "2022")
        # Halfway to the headline in 2022, in hundreds; never below where the year starts.
        step = max(MEMBERS_2023 - nearest((MEMBERS_2023 - base) / 2, 100), up_to(base, 100))
        self.set("DV_TONG", "2022", min(step, MEMBERS_2023))
        self.set("DV_TONG", "2023", MEMBERS_2023)
        self.set("DV_TONG", PHASE, MEMBERS_2023)
        joined = {"2022": up_to(self.now("DV_MOI", "2022") * Decimal("1.1"), 100)}
        joined["2023"] = up_to(joined["2022"] * Decimal("1.1"), 100)
        founded = {"2022": up_to(self.now("CDCS_MOI", "2022") * Decimal("1.6"), 1)}
        founded["2023"] = up_to(founded["2022"] * Decimal("1.15"), 1)
        unions = self.now("CDCS_TONG", "2022")
        for label in ("2022", "2023"):
            self.set("DV_MOI", label, joined[label])
            self.set("CDCS_MOI", label, founded[label])
        self.set("DV_MOI", PHASE, sum(joined.values()))
        self.set("CDCS_MOI", PHASE, sum(founded.values()))
        self.set("CDCS_TONG", "2023", unions + sum(founded.values()))
        self.set("CDCS_HTTNV", "2022", nearest(unions * Decimal("0.75"), 1))
        self.set("CDCS_HTTNV", "2023", nearest(unions * Decimal("0.8"), 1))
        self.set("TL_DN_CDCS", "2023", COVERAGE_2023)
        self.set("TL_DN_CDCS", PHASE, COVERAGE_2023)
        # Members by the units' members, new members by the workers still to reach; then
        # what the units asked for at the deployment conference.
        for label in ("2022", "2023"):
            self.split("DV_TONG", label, "members", self.target("DV_TONG", label))
            self.split("DV_MOI", label, "potential", joined[label])
        self.adjust(
            "DV_TONG", "2023", [("ST-CLD", "ST-TP", 100), ("ST-TT", "ST-KS", 50)], R_DISTRICTS
        )
        for label, teachers, health in (("2022", 60, 40), ("2023", 70, 50)):
            self.adjust("DV_MOI", label, [("", "ST-GD", teachers), ("", "ST-YT", health)],
                        R_SECTORS)  # fmt: skip
        for target in self.plan.targets.filter(indicator=self.indicators["DV_TONG"]):
            codes = self.summary.members.setdefault(target.unit.code, {})
            codes[target.period.label] = target.value

    def target(self, code: str, label: str) -> Decimal:
        return self.plan.targets.get(
            indicator=self.indicators[code], unit=self.owner, period=self.periods[label]
        ).value


# --- a generated PDF (no dependency): the standard fonts have no Vietnamese letters, so the
# page carries the text without accents and the document's title keeps them.


def _pdf_text(line: str) -> str:
    ascii_line = strip_accents(line).replace("–", "-").replace("≥", ">=")
    ascii_line = ascii_line.encode("ascii", "replace").decode()
    return ascii_line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(line: str, width: int = 95) -> list[str]:
    out, rest = [], line
    while len(rest) > width:
        cut = rest.rfind(" ", 0, width)
        cut = cut if cut > 0 else width
        out.append(rest[:cut])
        rest = "    " + rest[cut:].lstrip()
    return [*out, rest]


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A plain A4 PDF of `lines` (wrapped, 56 a page), deterministic byte for byte."""
    wrapped = [part for line in lines for part in _wrap(line)]
    pages = [wrapped[i : i + 56] for i in range(0, len(wrapped), 56)] or [[]]
    n = len(pages)
    # 1 catalog, 2 pages, 3 font, 4 info, then a page and its content for each page.
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(n)), n),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title <%s> /Producer (congdoan demo) >>"
        % ("\ufeff" + title).encode("utf-16-be").hex().upper().encode(),
    ]
    for i, page in enumerate(pages):
        text = "".join(f"({_pdf_text(line)}) Tj T*\n" for line in page)
        stream = f"BT /F1 10 Tf 13 TL 50 800 Td\n{text}ET".encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (6 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def vn(value: Decimal) -> str:
    """A whole number as Vietnamese documents write it: 63.000."""
    return f"{value:,.0f}".replace(",", ".")


def plan_text(summary: PlanSummary) -> list[str]:
    plan = summary.plan
    names = dict(Unit.objects.filter(code__in=summary.members).values_list("code", "name"))
    lines = [
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH SÓC TRĂNG", "", plan.title.upper(), f"({ILLUSTRATIVE})", "",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Cụ thể hóa Nghị quyết số 02-NQ/TW của Bộ Chính trị và Chương trình hành động của "
        "Tổng Liên đoàn; tập hợp đông đảo người lao động vào tổ chức Công đoàn.", "",
        "II. CHỈ TIÊU",
    ]  # fmt: skip
    order = [code for code, *_ in INDICATORS]
    own = plan.targets.filter(unit=plan.owner).select_related("indicator", "period")
    phase = Period.Kind.PHASE  # years first, then the phase
    rows = sorted(own, key=lambda t: (order.index(t.indicator.code), t.period.kind == phase))
    for target in rows:
        unit = "%" if target.indicator.measure == Measure.PERCENT else ""
        lines.append(f"- {target.indicator.name} ({target.period.label}): "
                     f"{vn(target.value)}{unit}")  # fmt: skip
    lines += ["", "Phân bổ chỉ tiêu tổng số đoàn viên đến 31/12/2023:"]
    lines += [f"- {names[code]}: {vn(summary.members[code]['2023'])}" for code in UPPER]
    lines += ["", "III. NHIỆM VỤ, GIẢI PHÁP"]
    for number, (title, items) in enumerate(GROUPS, start=1):
        lines.append(f"{number}. {title}")
        lines += [f"   - {item.title} (thời hạn: {item.due})" for item in items]
    lines += [
        "",
        "IV. TỔ CHỨC THỰC HIỆN",
        "LĐLĐ các huyện, thị xã, thành phố, công đoàn ngành và tương đương triển khai "
        "kế hoạch đến công đoàn cơ sở trong quý I/2022; báo cáo kết quả hằng quý.",
    ]
    return lines


# --- the groups of tasks and solutions, and what was reported on them


@dataclass(frozen=True)
class Update:
    unit: str
    on: dt.date
    text: str
    status: str
    progress: int | None = None
    file: str = ""  # the title of a generated PDF attached to the update


@dataclass(frozen=True)
class Item:
    title: str
    responsible: tuple[str, ...]
    due: str
    updates: tuple[Update, ...] = ()


UPPER = ("ST-TP", "ST-VC", "ST-NN", "ST-CT", "ST-CLD", "ST-KS", "ST-LP", "ST-MT", "ST-MX",
         "ST-TT", "ST-TD", "ST-GD", "ST-YT", "ST-CDVC", "ST-KCN")  # fmt: skip
DISTRICTS = UPPER[:11]
DONE, DOING = "done", "in_progress"
U = Update
GROUPS: list[tuple[str, list[Item]]] = [
    ("Tăng cường lãnh đạo, chỉ đạo; đổi mới công tác tuyên truyền", [
        Item("Triển khai kế hoạch đến các công đoàn cơ sở", UPPER, "Q1-2022", (
            U(OWNER, D(2022, 2, 24), "Hội nghị triển khai kế hoạch đến LĐLĐ các huyện, thị xã, "
              "thành phố, công đoàn ngành và tương đương.", DOING, 30, "Biên bản hội nghị triển "
              "khai kế hoạch"),
            U("ST-TP", D(2022, 3, 15), "Đã triển khai đến 100% CĐCS trực thuộc.", DOING, 70),
            U(OWNER, D(2022, 3, 31), "15/15 đơn vị đã triển khai kế hoạch đến CĐCS.", DONE),
        )),
        Item("Giao chỉ tiêu phát triển đoàn viên, thành lập CĐCS cho từng đơn vị", (OWNER,),
             "28/02/2022", (U(OWNER, D(2022, 2, 24), "Đã giao chỉ tiêu năm 2022, 2023 cho 15 "
                               "đơn vị trực thuộc.", DONE),)),
        Item("Tuyên truyền Luật Công đoàn, lợi ích khi gia nhập Công đoàn trên Zalo, Facebook "
             "và tại cổng doanh nghiệp", UPPER, "thường xuyên", (
            U("ST-KCN", D(2022, 8, 20), "Phát 3.000 tờ rơi tại KCN An Nghiệp.", DOING),
            U(OWNER, D(2023, 6, 30), "Trang Zalo của LĐLĐ tỉnh có 4.200 người theo dõi.", DOING),
        )),
    ]),
    ("Khảo sát, nắm tình hình doanh nghiệp và người lao động", [
        Item("Rà soát danh sách doanh nghiệp có từ 20 lao động trở lên chưa có CĐCS", DISTRICTS,
             "Quý II/2022", (
            U("ST-MX", D(2022, 5, 10), "Rà soát xong 42 doanh nghiệp trên địa bàn.", DOING, 60),
            U(OWNER, D(2022, 6, 28), "Tổng hợp danh sách doanh nghiệp chưa có CĐCS toàn tỉnh.",
              DONE, file="Danh sách doanh nghiệp chưa có công đoàn cơ sở"),
        )),
        Item("Phối hợp Cục Thuế, Bảo hiểm xã hội tỉnh trao đổi thông tin doanh nghiệp, lao động",
             (OWNER,), "thường xuyên", (U(OWNER, D(2022, 9, 12), "Ký quy chế phối hợp với Bảo "
                                       "hiểm xã hội tỉnh.", DOING),)),
    ]),
    ("Đổi mới phương thức vận động người lao động gia nhập Công đoàn, thành lập CĐCS", [
        Item("Thành lập tổ công tác phát triển đoàn viên tại LĐLĐ cấp huyện", DISTRICTS,
             "30/06/2022", (U(OWNER, D(2022, 6, 20), "11/11 LĐLĐ cấp huyện đã có tổ công tác.",
                              DONE),)),
        Item("Vận động thành lập CĐCS tại các doanh nghiệp trong KCN An Nghiệp",
             ("ST-KCN", "ST-CT"), "2023", (
            U("ST-KCN", D(2022, 11, 30), "Thành lập 2 CĐCS mới, kết nạp 310 đoàn viên.", DOING, 40),
            U("ST-KCN", D(2023, 11, 25), "Còn 3 doanh nghiệp chưa đồng ý thành lập CĐCS.", DOING,
              80),
        )),
        Item("Thành lập nghiệp đoàn cơ sở ở khu vực phi chính thức (nghề cá, bốc xếp)",
             ("ST-VC", "ST-TD", "ST-LP"), "Quý IV/2023", (
            U("ST-VC", D(2023, 4, 18), "Ra mắt Nghiệp đoàn nghề cá phường Vĩnh Phước.", DOING, 50),
            U("ST-TD", D(2023, 10, 5), "Ra mắt Nghiệp đoàn bốc xếp xã Trần Đề.", DONE),
        )),
    ]),
    ("Nâng cao chất lượng hoạt động của CĐCS, chăm lo lợi ích đoàn viên", [
        Item("Thương lượng, ký kết thỏa ước lao động tập thể ở doanh nghiệp có CĐCS",
             ("ST-KCN", "ST-TP"), "thường xuyên", (U("ST-TP", D(2023, 3, 2), "Ký mới 6 thỏa ước "
                                                      "lao động tập thể.", DOING),)),
        Item("Tổ chức chương trình \"Tết Sum vầy\" cho đoàn viên, người lao động", UPPER,
             "Quý I/2023", (U(OWNER, D(2023, 1, 20), "Tổ chức tại KCN An Nghiệp, tặng 1.000 "
                                 "phần quà.", DONE, file="Báo cáo chương trình Tết Sum vầy"),)),
    ]),
    ("Công tác cán bộ, tập huấn nghiệp vụ", [
        Item("Tập huấn nghiệp vụ phát triển đoàn viên cho cán bộ công đoàn cấp trên cơ sở",
             (OWNER,), "Quý III/2022", (U(OWNER, D(2022, 8, 9), "Tập huấn cho 120 cán bộ.",
                                         DONE),)),
        Item("Bồi dưỡng kỹ năng cho cán bộ CĐCS mới thành lập", DISTRICTS, "2023", (
            U("ST-KS", D(2023, 5, 16), "Bồi dưỡng 35 cán bộ CĐCS mới.", DOING, 50),
            U(OWNER, D(2023, 12, 15), "Hoàn thành bồi dưỡng ở 11/11 huyện.", DONE),
        )),
    ]),
    ("Kiểm tra, giám sát, sơ kết, tổng kết, khen thưởng", [
        Item("Báo cáo kết quả phát triển đoàn viên, thành lập CĐCS hằng quý", UPPER,
             "thường xuyên", (U(OWNER, D(2023, 10, 10), "Đã nhận báo cáo quý III/2023 của "
                                "15/15 đơn vị.", DOING),)),
        Item("Sơ kết 01 năm thực hiện kế hoạch", (OWNER,), "Quý I/2023",
             (U(OWNER, D(2023, 2, 21), "Hội nghị sơ kết năm 2022.", DONE),)),
        Item("Tổng kết kế hoạch, khen thưởng tập thể, cá nhân tiêu biểu", (OWNER,), "31/12/2023",
             (U(OWNER, D(2023, 12, 27), "Hội nghị tổng kết; khen thưởng 12 tập thể, 20 cá nhân.",
                DONE),)),
    ]),
]  # fmt: skip


def load_plan_tasks(*, plan: Plan, today: dt.date, summary: PlanSummary) -> None:
    """The six groups of tasks and solutions, with the progress reported up to `today`."""
    units = Unit.objects.in_bulk([*UPPER, OWNER], field_name="code")
    for title, items in GROUPS:
        group = tasks.create_group(actor=None, plan=plan, title=title, reason=R_PLAN)
        summary.groups += 1
        for item in items:
            task = tasks.add_task(
                actor=None, group=group, title=item.title, due=item.due, reason=R_PLAN,
                responsible=[units[code] for code in item.responsible],
            )  # fmt: skip
            summary.tasks += 1
            for u in item.updates:
                if u.on > today:
                    continue
                files = [ContentFile(make_pdf(u.file, [u.file, format_date(u.on), u.text]),
                                     name=f"{strip_accents(u.file).replace(' ', '-')}.pdf")
                         ] if u.file else []  # fmt: skip
                tasks.report_progress(
                    actor=None, task=task, unit=units[u.unit], on=u.on, text=u.text,
                    status=u.status, progress=u.progress, files=files,
                )  # fmt: skip
                summary.updates += 1


@transaction.atomic
def load_plan(*, today: dt.date) -> PlanSummary:
    """Sóc Trăng's plan PTDV-2023: indicators, periods, targets split among the units
    under the province in 2022, its document, tasks and the progress reported on them."""
    if today < STARTS:
        raise ValueError("The demo's plan starts on 01/01/2022: load it on a later day.")
    owner = Unit.objects.get(code=OWNER)
    indicators = create_indicators()
    plan = services.create_plan(
        actor=None, code=CODE, title=TITLE, owner=owner, starts_on=STARTS, ends_on=ENDS,
        indicators=indicators.values(), status=Plan.Status.IN_FORCE, reason=R_PLAN,
    )  # fmt: skip
    periods = {
        label: services.add_period(
            actor=None, plan=plan, label=label, starts_on=start, ends_on=end, kind=kind
        )
        for label, start, end, kind in (
            ("2022", STARTS, D(2022, 12, 31), Period.Kind.YEAR),
            ("2023", D(2023, 1, 1), ENDS, Period.Kind.YEAR),
            (PHASE, STARTS, ENDS, Period.Kind.PHASE),
        )
    }
    loader = PlanLoader(plan, indicators, periods)
    loader.set_targets()
    services.attach_document(
        actor=None, plan=plan, title=TITLE, kind=PlanDocument.Kind.PLAN, reason=R_PLAN,
        file=ContentFile(make_pdf(TITLE, plan_text(loader.summary)), name="KH-PTDV-2023.pdf"),
    )  # fmt: skip
    load_plan_tasks(plan=plan, today=today, summary=loader.summary)
    return loader.summary
