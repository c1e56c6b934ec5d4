"""The demo's units: Sóc Trăng and Cần Thơ from 1992 to today, and the 2025 reform.

Every unit is written through org.services; the current structure is restated once at the
end by load_demo. The steps are public so that load_demo can put the members' history
between them (see demo.members).
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from congdoan.accounts.models import Role, User
from congdoan.demo import data
from congdoan.org import services as org_services
from congdoan.org.forest import forest_as_of
from congdoan.org.kinds import UnitKind as K
from congdoan.org.models import Unit

DAY = dt.timedelta(days=1)
LONG_AGO_FROM = dt.date(1993, 1, 1)
LONG_AGO_UNTIL = dt.date(2019, 12, 31)
_UPPER = {u.code: u for u in data.UPPER_UNITS}


def random_date(rng: random.Random, start: dt.date, end: dt.date, *, late: float = 0.5) -> dt.date:
    """A day between start and end; `late` near 1 makes later days likelier."""
    span = (end - start).days
    return start + dt.timedelta(days=round(rng.triangular(0, span, span * late)))


def _short(place: str) -> str:
    """"xã Đại Ngãi" → "Đại Ngãi"."""
    return place.split(" ", 1)[1]


@dataclass
class _Planned:
    area: str  # the upper-level unit it is founded under
    founded: dt.date
    kind: str = K.GRASSROOTS
    state: bool = False  # a state body's union: ended in the 2025 reform
    place: str | None = None  # for district areas: the commune it goes to in 2025
    base_name: str = ""  # a fixed name; generated when blank


class UnitBuilder:
    def __init__(self, *, rng: random.Random, today: dt.date, size: int) -> None:
        self.rng, self.today, self.size = rng, today, size
        self.units: dict[str, Unit] = {}
        self.names: set[str] = set()
        self.numbers: dict[str, int] = defaultdict(int)
        self.place: dict[str, str] = {}  # grassroots code → place in its district
        self.state: set[str] = set()
        self.departments: dict[str, list[str]] = defaultdict(list)
        self.busy: set[str] = set()  # units already given a history event

    # --- writing through org.services -------------------------------------------------

    def create(self, *, code: str, name: str, kind: str, parent: str | None, on: dt.date,
               reason: str) -> Unit:
        unit = org_services.create_unit(
            actor=None, code=code, name=name, kind=kind,
            parent=self.units[parent] if parent else None, on=on, reason=reason, refresh=False,
        )
        self.units[code] = unit
        return unit

    def move(self, code: str, parent: str, reason: str) -> None:
        org_services.move_unit(
            actor=None, unit=self.units[code], parent=self.units[parent], on=data.REFORM,
            reason=reason, refresh=False,
        )

    def dissolve(self, code: str, reason: str, *, on: dt.date) -> None:
        org_services.dissolve_unit(
            actor=None, unit=self.units[code], on=on, reason=reason, refresh=False
        )

    # --- names and codes ---------------------------------------------------------------

    def unique(self, base: str, suffix: str = data.SYNTHETIC) -> str:
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base} {n}"
        self.names.add(name)
        return f"{name} {suffix}" if suffix else name

    def next_code(self, area: str) -> str:
        self.numbers[area] += 1
        return f"{area}-{self.numbers[area]:04d}"

    def enterprise_name(self, place: str | None, *, zone: bool = False) -> str:
        rng = self.rng
        forms = data.ENTERPRISE_FORMS[:3] if zone else data.ENTERPRISE_FORMS
        trades = data.ZONE_TRADES if zone else data.TRADES
        brand = _short(place) if place and rng.random() < 0.3 else rng.choice(data.BRANDS)
        return f"CĐCS {rng.choice(forms)} {rng.choice(trades)} {brand}"

    def name_for(self, p: _Planned) -> str:
        if p.base_name:
            return self.unique(p.base_name)
        if p.kind == K.GUILD:
            return self.unique(f"Nghiệp đoàn {self.rng.choice(data.GUILD_TRADES)} {p.place}")
        return self.unique(self.enterprise_name(p.place, zone=p.area.endswith("KCN")))

    # --- the plan ----------------------------------------------------------------------

    def build_until_reform(self) -> None:
        """Every unit and change before the 2025 reform; then reform() and after_reform()."""
        for upper in data.UPPER_UNITS:
            self.create(code=upper.code, name=upper.name, kind=upper.kind, parent=upper.parent,
                        on=upper.founded, reason=data.R_FOUNDED_UPPER)
        planned = self.plan_long_standing() + self.plan_growth()
        planned.sort(key=lambda p: (p.founded, p.area))
        for p in planned:
            self.found(p)
        self.add_departments()
        self.history_before_reform()

    def found(self, p: _Planned) -> None:
        code = self.next_code(p.area)
        self.create(code=code, name=self.name_for(p), kind=p.kind, parent=p.area,
                    on=p.founded, reason=data.R_FOUNDED)
        if p.place:
            self.place[code] = p.place
        if p.state:
            self.state.add(code)

    def count(self, share: float) -> int:
        return max(1, round(share * self.size))

    def plan_long_standing(self) -> list[_Planned]:
        rng, out = self.rng, []
        for upper in data.UPPER_UNITS:
            if upper.share == 0 and upper.code not in data.CAN_THO_GRASSROOTS:
                continue
            n = data.CAN_THO_GRASSROOTS.get(upper.code) or self.count(upper.share)
            start = max(upper.founded, LONG_AGO_FROM)
            dates = [random_date(rng, start, LONG_AGO_UNTIL, late=0.75) for _ in range(n)]
            if upper.code in data.SECTOR_CODES:
                out += self.plan_public(upper.code, dates)
                continue
            for day in dates:
                place = rng.choice(upper.places) if upper.places else None
                kind = K.GUILD if place and rng.random() < 0.03 else K.GRASSROOTS
                out.append(_Planned(upper.code, day, kind, place=place))
        return out

    def plan_public(self, area: str, dates: list[dt.date]) -> list[_Planned]:
        """Schools, hospitals and agencies: mostly state bodies, a few that are not."""
        rng = self.rng
        places = [p for u in data.UPPER_UNITS if u.code.startswith("ST-") for p in u.places]
        districts = [u.name.removeprefix("LĐLĐ ") for u in data.UPPER_UNITS if u.places
                     and u.code.startswith("ST-")]
        if area == "ST-GD":
            state = [f"CĐCS {lvl} {_short(p)}" for lvl in data.SCHOOL_LEVELS for p in places]
            other = [f"CĐCS {s} {b}" for s in data.PRIVATE_SCHOOLS for b in data.BRANDS]
            n_other = max(1, len(dates) // 10)
        elif area == "ST-YT":
            state = data.HOSPITALS + [f"Trung tâm Y tế {d}" for d in districts]
            state = [f"CĐCS {s}" for s in state] + [f"CĐCS Trạm Y tế {p}" for p in places]
            other = [f"CĐCS {c} {b}" for c in data.PRIVATE_CLINICS for b in data.BRANDS]
            n_other = max(1, len(dates) // 6)
        else:
            state = data.AGENCIES + [f"{o} {d}" for o in data.DISTRICT_OFFICES for d in districts]
            state = [f"CĐCS {s}" for s in state] + [f"CĐCS UBND {p}" for p in places]
            other = [f"CĐCS {e}" for e in data.STATE_ENTERPRISES]
            n_other = min(len(other), max(1, len(dates) // 15))
        rng.shuffle(state)
        rng.shuffle(other)
        names = [(n, False) for n in other[:n_other]] + [(n, True) for n in state]
        return [
            _Planned(area, day, state=is_state, base_name=name)
            for day, (name, is_state) in zip(dates, names, strict=False)
        ]

    def plan_growth(self) -> list[_Planned]:
        rng, out = self.rng, []
        districts = [u for u in data.UPPER_UNITS if u.places and u.code.startswith("ST-")]
        for year, per_thousand in data.FOUNDED_PER_YEAR.items():
            end = min(dt.date(year, 12, 31), data.REFORM - DAY, self.today)
            for _ in range(max(1, round(per_thousand * self.size / 1000))):
                day = random_date(rng, dt.date(year, 1, 1), end)
                if rng.random() < 0.2:
                    out.append(_Planned("ST-KCN", day))
                    continue
                upper = rng.choices(districts, weights=[u.share for u in districts])[0]
                out.append(_Planned(upper.code, day, place=rng.choice(upper.places)))
        return out

    def add_departments(self) -> None:
        """Union departments in the oldest enterprises of the industrial zones and the city."""
        old = [c for c, u in self.units.items() if u.starts_on <= LONG_AGO_UNTIL]
        hosts = [c for c in old if c.startswith("ST-KCN-")][:4]
        hosts += [c for c in old if c.startswith("ST-TP-")][:3]
        for host in hosts:
            founded = self.units[host].starts_on
            for i, name in enumerate(self.rng.sample(data.DEPARTMENTS, 3), start=1):
                on = max(founded, min(founded + dt.timedelta(days=365 * i), LONG_AGO_UNTIL))
                code = f"{host}-BP{i}"
                self.create(code=code, name=f"Công đoàn bộ phận {name} {data.SYNTHETIC}",
                            kind=K.DEPARTMENT, parent=host, on=on, reason=data.R_FOUNDED)
                self.departments[host].append(code)

    # --- history 2020–2025 -------------------------------------------------------------

    def pick(self, prefix: str) -> str | None:
        """The oldest enterprise union in an area with nothing under it and no history yet."""
        for code, unit in self.units.items():
            if (code.startswith(prefix) and unit.kind == K.GRASSROOTS and code not in self.busy
                    and code not in self.departments and unit.starts_on <= LONG_AGO_UNTIL):
                self.busy.add(code)
                return code
        return None

    def history_before_reform(self) -> None:
        """Renames, a move, a merge, a split and closures, replayed in date order."""
        steps: list[tuple[dt.date, Callable, tuple]] = []
        if code := self.pick("ST-KS-"):
            steps.append((dt.date(2021, 3, 15), self.rename, (code,)))
        if code := self.pick("ST-VC-"):
            steps.append((dt.date(2024, 9, 1), self.rename, (code,)))
        if code := self.pick("ST-CT-"):
            steps.append((dt.date(2022, 5, 1), self.move_area, (code, "ST-TP")))
        source, target = self.pick("ST-MX-"), self.pick("ST-MX-")
        if source and target:
            steps.append((dt.date(2023, 1, 1), self.merge, (source, target)))
        if split := next((c for c in self.departments if c.startswith("ST-KCN-")), None):
            self.busy.add(split)
            steps.append((dt.date(2024, 1, 1), self.split, (split,)))
        for year, per_thousand in data.CLOSED_PER_YEAR.items():
            end = min(dt.date(year, 12, 31), data.REFORM - DAY, self.today)
            for _ in range(max(1, round(per_thousand * self.size / 1000))):
                area = self.rng.choice(["ST-TP", "ST-KS", "ST-MX", "ST-LP", "ST-VC", "ST-TD"])
                if code := self.pick(f"{area}-"):
                    day = random_date(self.rng, dt.date(year, 1, 1), end)
                    steps.append((day, self.dissolve, (code, data.R_CLOSED)))
        for day, step, args in sorted(steps, key=lambda s: s[0]):
            if day <= self.today:
                step(*args, on=day)

    def rename(self, code: str, *, on: dt.date) -> None:
        unit = self.units[code]
        base = unit.name.removesuffix(f" {data.SYNTHETIC}")
        form = next(f for f in data.ENTERPRISE_FORMS[::-1] if f in base)
        new_form = "Công ty TNHH" if form == "Công ty Cổ phần" else "Công ty Cổ phần"
        org_services.rename_unit(
            actor=None, unit=unit, name=self.unique(base.replace(form, new_form)), on=on,
            reason=data.R_RENAMED, refresh=False,
        )

    def move_area(self, code: str, area: str, *, on: dt.date) -> None:
        org_services.move_unit(actor=None, unit=self.units[code], parent=self.units[area],
                               on=on, reason=data.R_MOVED, refresh=False)
        self.place[code] = _UPPER[area].places[0]

    def merge(self, source: str, target: str, *, on: dt.date) -> None:
        org_services.merge_units(actor=None, sources=[self.units[source]],
                                 into=self.units[target], on=on, reason=data.R_MERGED)

    def split(self, code: str, *, on: dt.date) -> None:
        unit = self.units[code]
        new_code = self.next_code("ST-KCN")
        name = self.unique(self.enterprise_name(None, zone=True))
        moved = self.departments[code][-1]
        (_, part) = org_services.split_unit(
            actor=None, unit=unit, parts=[(code, unit.name), (new_code, name)], on=on,
            assignments={moved: new_code}, reason=data.R_SPLIT,
        )
        self.units[new_code] = part

    # --- the reform of 1 July 2025 -----------------------------------------------------

    def reform(self) -> None:
        before = forest_as_of(data.REFORM - DAY, cached=False)

        def children(code: str) -> list[str]:
            return [n.code for n in before.children_of(self.units[code].pk)]

        for upper in data.UPPER_UNITS:
            if upper.kind != K.DISTRICT:
                continue
            communes = {}
            for i, place in enumerate(upper.places, start=1):
                communes[place] = f"{upper.code}-X{i}"
                self.create(code=communes[place], name=self.unique(
                    f"Công đoàn {place}", data.ILLUSTRATIVE), kind=K.COMMUNE,
                    parent=upper.parent, on=data.REFORM, reason=data.R_COMMUNE)
            for child in children(upper.code):
                commune = communes.get(self.place.get(child), communes[upper.places[0]])
                self.move(child, commune, data.R_TO_COMMUNE)
            self.dissolve(upper.code, data.R_DISTRICT_ENDS, on=data.REFORM)
        for sector in data.SECTOR_CODES:
            for child in children(sector):
                if child in self.state:
                    self.dissolve(child, data.R_STATE_ENDS, on=data.REFORM)
                else:
                    self.move(child, "LDLD-ST", data.R_TO_PROVINCE)
            self.dissolve(sector, data.R_SECTOR_ENDS, on=data.REFORM)
        org_services.merge_units(
            actor=None, sources=[self.units["LDLD-ST"]], into=self.units["LDLD-CT"],
            on=data.REFORM, reason=data.R_PROVINCE_MERGER,
        )

    def after_reform(self) -> None:
        communes = [c for c in self.units if "-X" in c]
        zones = ["ST-KCN", "CT-KCN"]
        for day in data.FOUNDED_AFTER_REFORM:
            if day > self.today:
                break
            parent = self.rng.choice(zones if self.rng.random() < 0.2 else communes)
            area = parent.split("-X")[0]
            place = next((p for p in _UPPER.get(area, data.UPPER_UNITS[0]).places
                          if self.units[parent].name.startswith(f"Công đoàn {p} ")), None)
            code = self.next_code(area)
            name = self.enterprise_name(place, zone=parent in zones)
            self.create(code=code, name=self.unique(name),
                        kind=K.GRASSROOTS, parent=parent, on=day, reason=data.R_FOUNDED)
        renamed_on = dt.date(2026, 1, 15)
        if renamed_on <= self.today and (code := self.pick("ST-TD-")):
            self.rename(code, on=renamed_on)

    # --- users -------------------------------------------------------------------------

    def create_users(self) -> None:
        clerk_unit = next((c for c in self.departments if c.startswith("ST-KCN-")), None)
        # One password for all: hash it once (the hasher is slow on purpose).
        password = make_password(data.PASSWORD)
        for d in data.DEMO_USERS:
            user = User.objects.create_user(
                username=d.username, password=None, role=d.role,
                unit=Unit.objects.get(code=d.unit or clerk_unit),
                is_staff=d.role == Role.ADMIN, is_superuser=d.role == Role.ADMIN,
            )
            user.password = password
            user.save(update_fields=["password"])
