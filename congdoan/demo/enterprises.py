"""The demo's enterprises: the employers of the demo's grassroots unions, and those without one.

Loaded in two steps around the 2025 reform, through enterprises.services (per row, as a
clerk would record them; about 1,500 enterprises and 4,000 figures take a few seconds):

1. Before the reform (after the members' history up to 30/06/2025 is written): every
   grassroots union of a district federation, the industrial-zone unions and the
   public-employees union's companies gets its enterprise, named as the union's employer
   (the name its members carry as employer_name), placed under the union's area unit and
   linked from the union's founding day. An enterprise whose union closed, or merged into
   another company's, is dissolved that day. Then the enterprises without a union: many
   with 20–100 workers, a few large ones, some suspended or dissolved.
2. After the reform: the enterprises of the unions founded since, under their commune or
   industrial-zone union, and the figures of 31/12/2025 for some enterprises.

Headcounts are figures of 31/12 of some years since 2019 (and 30/06/2025): 2 to 4 of them,
growing or shrinking a little. In an organised enterprise the union's members at each date
are a share of the workers (55–97 %). Enterprises stay under the area unit of their day: the
district federations ended in 2025 carry them on under the province (see
enterprises.selectors.area_units_as_of).
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.db.models import Count

from congdoan.core.codes import tax_code_check_digit
from congdoan.demo import data
from congdoan.enterprises import services
from congdoan.enterprises.models import Ownership, Status
from congdoan.members import employers
from congdoan.members.models import Membership
from congdoan.members.selectors import spans_on
from congdoan.org.kinds import UnitKind as K
from congdoan.org.models import Unit, UnitVersion

DAY = dt.timedelta(days=1)
#: Enterprises without a grassroots union, per 1,000 of the demo's size, at the reform.
UNORGANISED = 640
#: Of those, how many have 20 workers or more, and how many over 100 (the rest: 5–19).
UNORGANISED_ELIGIBLE, UNORGANISED_LARGE = 0.33, 0.04
#: Districts where founding unions has lagged: more enterprises without one.
LAGGARDS = {"ST-VC": 2.0, "ST-CLD": 1.8, "ST-TT": 1.7, "ST-NN": 1.5, "ST-MT": 1.4}
#: Days on which figures are counted; an enterprise has 2–4 of those it was alive on.
FIGURE_DAYS = [dt.date(y, 12, 31) for y in range(2019, 2024)] + [dt.date(2025, 6, 30)]
AFTER_REFORM_DAY = dt.date(2025, 12, 31)
OLDEST = dt.date(1995, 1, 1)
END_2023 = dt.date(2023, 12, 31)
ZONE_AREAS = {"ST-KCN", "CT-KCN"}
SOURCES = [
    "Báo cáo tình hình sử dụng lao động", "Danh sách đóng BHXH", "Khảo sát của công đoàn",
    "Doanh nghiệp cung cấp",
]  # fmt: skip
R_REGISTERED = f"Nạp doanh nghiệp mẫu {data.SYNTHETIC}"
ZONE_ADDRESS = {
    "ST-KCN": "KCN An Nghiệp, huyện Châu Thành, tỉnh Sóc Trăng",
    "CT-KCN": "KCN Trà Nóc, quận Bình Thủy, thành phố Cần Thơ",
}
_UPPER = {u.code: u for u in data.UPPER_UNITS}
_TRADES = sorted(set(data.TRADES) | set(data.ZONE_TRADES), key=len, reverse=True)


@dataclass
class _Union:
    unit: Unit
    area: str  # the code of the upper-level unit it was founded under
    start: dt.date
    end: dt.date | None
    employer: str


@dataclass
class _Plan:
    name: str
    area: Unit
    area_code: str
    since: dt.date
    ownership: str
    industry: str
    address: str
    figures: list[tuple[dt.date, int]] = field(default_factory=list)
    union: _Union | None = None
    status_changes: list[tuple[dt.date, str]] = field(default_factory=list)
    tax_code: str = ""
    enterprise: object = None  # once written


class Enterprises:
    def __init__(
        self, *, seed: int, today: dt.date, size: int, places: dict[str, str], state: set[str]
    ) -> None:
        self.rng = random.Random(f"enterprises-{seed}")
        self.today, self.size = today, size
        self.places, self.state = places, state
        self.tax_codes: set[str] = set()
        self.names: set[str] = set()
        self.done: set[int] = set()  # unions that have their enterprise
        self.written: list[_Plan] = []
        self.units: dict[str, Unit] = {}

    # --- the two steps ----------------------------------------------------------------------

    def load_until_reform(self) -> None:
        unions = [u for u in self.read_unions() if u.start < data.REFORM]
        members = self.members_on([*FIGURE_DAYS])
        plans = [self.plan_organised(u, members) for u in unions]
        plans += self.plan_unorganised(round(UNORGANISED * self.size / 1000))
        self.write(sorted(plans, key=lambda p: (p.since, p.name)), until=data.REFORM - DAY)

    def load_after_reform(self) -> None:
        unions = [u for u in self.read_unions() if u.unit.pk not in self.done]
        members = self.members_on([self.today, AFTER_REFORM_DAY])
        plans = [self.plan_organised(u, members) for u in unions]
        self.write(plans, until=self.today)
        # A union renamed since (its company changed its legal form): the enterprise too.
        renamed = {u.unit.pk: u.employer for u in self.read_unions()}
        for plan in self.written:
            name = renamed.get(plan.union.unit.pk) if plan.union is not None else None
            if name is not None and name != plan.union.employer:
                services.update_enterprise(
                    actor=None, enterprise=plan.enterprise, name=name, reason=data.R_RENAMED
                )
        if AFTER_REFORM_DAY <= self.today:
            for plan in self.written:
                alive = not any(s != Status.OPERATING for _d, s in plan.status_changes)
                if alive and plan.figures and self.rng.random() < 0.35:
                    workers = self.drift(plan.figures[-1][1])
                    if plan.union is not None:
                        count = members.get((plan.union.unit.pk, AFTER_REFORM_DAY), 0)
                        workers = max(workers, count)
                    services.record_headcount(
                        actor=None,
                        enterprise=plan.enterprise,
                        as_of=AFTER_REFORM_DAY,
                        workers=workers,
                        source=self.source(),
                        reason=R_REGISTERED,
                    )
        self.link_employees()

    def link_employees(self) -> None:
        """The members of an enterprise's union work there, as their papers say (the union
        they were first admitted to): it is their registry employer, whose sector the
        plans' non-state indicator counts."""
        employer = {p.union.unit.pk: p.enterprise for p in self.written if p.union is not None}
        first: dict[int, int] = {}
        for member_id, unit_id in Membership.objects.order_by(
            "member_id", "start", "pk"
        ).values_list("member_id", "unit_id"):
            first.setdefault(member_id, unit_id)
        staff: dict[int, list[int]] = {}
        for member_id, unit_id in first.items():
            if unit_id in employer:
                staff.setdefault(unit_id, []).append(member_id)
        for unit_id, member_ids in staff.items():
            employers.set_employer(
                actor=None, enterprise=employer[unit_id], member_ids=member_ids,
                reason=R_REGISTERED,
            )  # fmt: skip

    # --- what exists ------------------------------------------------------------------------

    def read_unions(self) -> list[_Union]:
        """Grassroots unions whose employer is an enterprise, oldest first."""
        first: dict[int, tuple] = {}
        for unit_id, valid_from, parent_code in (
            UnitVersion.objects.filter(unit__kind=K.GRASSROOTS)
            .order_by("unit_id", "valid_from")
            .values_list("unit_id", "valid_from", "parent__code")
        ):
            first.setdefault(unit_id, (valid_from, parent_code))
        out = []
        for unit in Unit.objects.filter(kind=K.GRASSROOTS).order_by("starts_on", "code"):
            start, parent = first[unit.pk]
            area = parent if start >= data.REFORM else unit.code.rsplit("-", 1)[0]
            if not self.is_enterprise(unit, area):
                continue
            employer = unit.name.removeprefix("CĐCS ").removesuffix(f" {data.SYNTHETIC}")
            out.append(_Union(unit, area, start, unit.ends_on, employer))
        return out

    def is_enterprise(self, unit: Unit, area: str) -> bool:
        if area == "ST-CDVC":
            return unit.code not in self.state  # the province's companies
        upper = _UPPER.get(area)
        if upper is None:  # a commune union (after the reform)
            return "-X" in area
        return upper.kind in {K.DISTRICT, K.INDUSTRIAL_ZONE}

    @staticmethod
    def members_on(days: list[dt.date]) -> dict[tuple[int, dt.date], int]:
        """Members of each union on each day: one grouped query per day."""
        out = {}
        for day in days:
            for unit_id, n in (
                spans_on(day).values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
            ):
                out[unit_id, day] = n
        return out

    # --- planning ---------------------------------------------------------------------------

    def plan_organised(self, union: _Union, members: dict) -> _Plan:
        rng = self.rng
        self.done.add(union.unit.pk)
        zone = union.area in ZONE_AREAS
        area_code = "ST-TP" if union.area == "ST-CDVC" else union.area
        since = union.start - dt.timedelta(days=round(rng.triangular(30, 365 * 12, 365 * 2)))
        plan = _Plan(
            name=self.unique(union.employer),
            area=self.unit(area_code),
            area_code=area_code,
            since=max(since, OLDEST),
            ownership=self.ownership(union.employer, union.area, state=union.area == "ST-CDVC"),
            industry=self.industry(union.employer),
            address=self.address(area_code, self.places.get(union.unit.code)),
            union=union,
        )
        end = union.end or self.today
        if union.end is not None:
            plan.status_changes.append((union.end, Status.DISSOLVED))
        reach = rng.triangular(0.55, 0.97, 0.82)
        if union.start >= data.REFORM:
            # Counted when the union was founded, against its members today.
            days = [union.start]
            counts = [members.get((union.unit.pk, self.today), 0)]
        else:
            days = self.figure_days(plan.since, end)
            counts = [members.get((union.unit.pk, d), 0) for d in days]
        peak = max(counts, default=0)
        base = peak / reach if peak else rng.lognormvariate(math.log(35 if not zone else 250), 0.6)
        workers = max(5, round(base))
        for day, count in zip(days, counts, strict=True):
            workers = self.drift(workers)
            plan.figures.append((day, min(3000, max(workers, round(count / 0.97), 5))))
        return plan

    def plan_unorganised(self, n: int) -> list[_Plan]:
        rng = self.rng
        areas = [u for u in data.UPPER_UNITS if u.kind in {K.DISTRICT, K.INDUSTRIAL_ZONE}]
        weights = [(u.share or 0.012) * LAGGARDS.get(u.code, 1.0) for u in areas]
        plans = []
        for _ in range(n):
            upper = rng.choices(areas, weights=weights)[0]
            zone = upper.code in ZONE_AREAS
            place = rng.choice(upper.places) if upper.places else None
            name = self.unique(self.enterprise_name(place, zone=zone))
            since = max(OLDEST, _random_day(rng, dt.date(1998, 1, 1), dt.date(2025, 3, 31), 0.7))
            roll = rng.random()
            if roll < UNORGANISED_LARGE:
                workers = round(rng.lognormvariate(math.log(400 if zone else 160), 0.6))
            elif roll < UNORGANISED_ELIGIBLE:
                workers = round(rng.lognormvariate(math.log(34), 0.45))
            else:
                workers = rng.randint(5, 19)
            plan = _Plan(
                name=name,
                area=self.unit(upper.code),
                area_code=upper.code,
                since=since,
                ownership=self.ownership(name, upper.code),
                industry=self.industry(name),
                address=self.address(upper.code, place),
            )
            end = self.today
            roll = rng.random()
            if roll < 0.05:  # closed for good
                end = _random_day(rng, max(since + 400 * DAY, dt.date(2020, 1, 1)), self.today)
                plan.status_changes.append((end, Status.DISSOLVED))
            elif roll < 0.09:  # a pause, most resume
                stop = _random_day(rng, max(since + 200 * DAY, dt.date(2020, 6, 1)), self.today)
                plan.status_changes.append((stop, Status.SUSPENDED))
                if rng.random() < 0.6:
                    plan.status_changes.append(
                        (stop + rng.randint(90, 500) * DAY, Status.OPERATING)
                    )
            for day in self.figure_days(since, end):
                workers = self.drift(workers)
                plan.figures.append((day, min(3000, max(5, workers))))
            plans.append(plan)
        return plans

    def figure_days(self, since: dt.date, end: dt.date) -> list[dt.date]:
        """2–4 figure days between `since` and `end` (the first, and some later ones)."""
        days = [d for d in FIGURE_DAYS if since <= d < end and d <= self.today]
        if not days:
            return [since] if since < end else []
        keep = min(len(days), self.rng.randint(2, 4))
        return [days[0], *sorted(self.rng.sample(days[1:], keep - 1))] if keep > 1 else days[:1]

    # --- writing ------------------------------------------------------------------------------

    def write(self, plans: list[_Plan], *, until: dt.date) -> None:
        """Each plan through the services, with what is dated up to `until`."""
        common = {"actor": None, "reason": R_REGISTERED}
        for plan in plans:
            plan.tax_code = self.tax_code(plan.area_code)
            enterprise = services.register_enterprise(
                tax_code=plan.tax_code,
                name=plan.name,
                area_unit=plan.area,
                since=plan.since,
                ownership=plan.ownership,
                industry=plan.industry,
                address=plan.address,
                **common,
            )
            plan.enterprise = enterprise
            for day, workers in plan.figures:
                if day <= until:
                    services.record_headcount(
                        enterprise=enterprise,
                        as_of=day,
                        workers=workers,
                        source=self.source(),
                        **common,
                    )
            if plan.union is not None:
                services.link_union(
                    enterprise=enterprise, union=plan.union.unit, on=plan.union.start, **common
                )
            for day, status in plan.status_changes:
                if day <= self.today:
                    services.change_status(enterprise=enterprise, status=status, on=day, **common)
            self.written.append(plan)

    # --- names, codes, places --------------------------------------------------------------

    def unit(self, code: str) -> Unit:
        if code not in self.units:
            self.units[code] = Unit.objects.get(code=code)
        return self.units[code]

    def unique(self, base: str) -> str:
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base} {n}"
        self.names.add(name)
        return name

    def enterprise_name(self, place: str | None, *, zone: bool) -> str:
        rng = self.rng
        forms = data.ENTERPRISE_FORMS[:3] if zone else data.ENTERPRISE_FORMS
        trades = data.ZONE_TRADES if zone else data.TRADES
        brand = place.split(" ", 1)[1] if place and rng.random() < 0.3 else rng.choice(data.BRANDS)
        return f"{rng.choice(forms)} {rng.choice(trades)} {brand}"

    def ownership(self, name: str, area: str, *, state: bool = False) -> str:
        if state:
            return Ownership.STATE
        if name.startswith("Hợp tác xã"):
            return Ownership.COOPERATIVE
        roll = self.rng.random()
        if area in ZONE_AREAS:
            return Ownership.FOREIGN if roll < 0.5 else Ownership.NON_STATE
        return Ownership.STATE if roll < 0.02 else Ownership.NON_STATE

    @staticmethod
    def industry(name: str) -> str:
        return next((t for t in _TRADES if t in name), "")

    def address(self, area: str, place: str | None) -> str:
        rng = self.rng
        if area in ZONE_ADDRESS:
            where = f"Lô {rng.choice('ABCDE')}{rng.randint(1, 30)}, {ZONE_ADDRESS[area]}"
        else:
            upper = _UPPER.get(area)
            if upper is None:  # a commune union: its name holds the place
                unit = Unit.objects.get(code=area)
                district = _UPPER[area.split("-X")[0]]
                place = unit.name.removeprefix("Công đoàn ").removesuffix(f" {data.ILLUSTRATIVE}")
                upper = district
            place = place or rng.choice(upper.places)
            province = "tỉnh Sóc Trăng" if area.startswith("ST") else "thành phố Cần Thơ"
            lane = rng.choice(["Ấp", "Khóm"]) if area.startswith("ST") else "Khu vực"
            district = upper.name.removeprefix("LĐLĐ ")
            where = f"{lane} {rng.randint(1, 12)}, {place}, {district}, {province}"
        return f"{where} {data.SYNTHETIC}"

    def tax_code(self, area: str) -> str:
        """A new 10-digit code with a right check digit: 22… in Sóc Trăng, 18… in Cần Thơ."""
        prefix = "18" if area.startswith("CT") else "22"
        while True:
            first_nine = f"{prefix}{self.rng.randrange(10**7):07d}"
            check = tax_code_check_digit(first_nine)
            code = f"{first_nine}{check}"
            if check is not None and code not in self.tax_codes:
                self.tax_codes.add(code)
                return code

    def drift(self, workers: int) -> int:
        return max(5, round(workers * self.rng.gauss(1.03, 0.1)))

    def source(self) -> str:
        return f"{self.rng.choice(SOURCES)} {data.SYNTHETIC}"


def _random_day(rng: random.Random, start: dt.date, end: dt.date, late: float = 0.5) -> dt.date:
    if end <= start:
        return start
    span = (end - start).days
    return start + dt.timedelta(days=round(rng.triangular(0, span, span * late)))
