"""The demo's members: synthetic people and their memberships, simulated since 2019.

Loaded around the units' history (demo.units), as production would record it:

1. Before the reform: every union's members are simulated from data.MEMBERS_FROM (with the
   stock admitted earlier, at the union's founding or in 2000–2018) to 30/06/2025 and
   written through members.bulk; spans still running are left open. Unions closed or merged
   before then end their members' spans as org's hooks would have.
2. The reform runs (demo.units): the hooks (members.reorganisation.end_memberships_of_unit) end the
   memberships in the state bodies' unions on 01/07/2025; at_reform() follows suit here.
3. After the reform, to today: what happens to people already written goes through the
   per-row services (leave, transfer, suspend, resume, readmit); people who join after the
   reform are written through members.bulk.

Each year a union loses people (leaving, retiring at the legal age, transfers out,
suspensions that end in leaving) and admits as many again plus its area's growth
(data.GROWTH); a tenth of those admitted are re-admissions. Sizes are calibrated so that
Sóc Trăng has about data.MEMBERS_END_2023 members on 31/12/2023 (at size 1000).
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.conf import settings

from congdoan.demo import data
from congdoan.demo.people import Person, PersonMaker, Span, retirement
from congdoan.members import bulk, rules
from congdoan.members import services as member_services
from congdoan.members.models import Member, Membership
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.kinds import UnitKind as K
from congdoan.org.models import Unit, UnitVersion

DAY, YEAR = dt.timedelta(days=1), 365.25
Start, End = Membership.StartReason, Membership.EndReason
ACTIVE, SUSPENDED = Membership.Status.ACTIVE, Membership.Status.SUSPENDED
_STOCK_FROM = dt.date(2000, 1, 1)
_END_2023 = dt.date(2023, 12, 31)


@dataclass(slots=True)
class Union:
    id: int
    code: str
    area: str  # the upper-level unit it was founded under
    start: dt.date
    end: dt.date | None
    successor: int | None
    work: data.Work
    employer: str
    weight: float  # members relative to the others
    roster: dict[int, None] = field(default_factory=dict)  # people in it now, in order
    owed: int = 0  # fewer admissions owed when it shrank faster than people left


class Members:
    def __init__(self, *, seed: int, today: dt.date, size: int, state: set[str]) -> None:
        self.rng = random.Random(f"members-{seed}")
        self.today, self.size, self.state = today, size, state
        self.maker = PersonMaker(self.rng)
        self.people: list[Person] = []
        self.unions: dict[int, Union] = {}
        self.pool: list[int] = []  # people who left and may be re-admitted
        self.scale = 1.0
        self.foreign = round(data.FOREIGN_WORKERS * size / 1000)
        self.readmit_after = settings.MEMBERS_READMIT_AFTER_MONTHS

    # --- the three steps ------------------------------------------------------------------

    def load_until_reform(self) -> None:
        self.read_unions()
        self.calibrate()
        for union in self.unions.values():
            if union.start < data.MEMBERS_FROM:
                for _ in range(self.sround(union.weight * self.scale)):
                    self.new_person(union, None)
        self.simulate(data.MEMBERS_FROM, data.REFORM - DAY)
        result = bulk.load_member_histories(
            actor=None,
            people=(bulk.PersonHistory(p.fields, [s.as_dict() for s in p.spans])
                    for p in self.people),
            reason=data.R_LOADED,
        )
        for person, member_id in zip(self.people, result.member_ids, strict=True):
            person.member_id, person.written = member_id, len(person.spans)
            person.closed = person.spans[-1].end is not None

    def at_reform(self) -> None:
        """The state bodies' unions ended on 01/07/2025, and the hooks ended their spans."""
        for union in self.unions.values():
            if union.code in self.state and union.end is None:
                union.end = data.REFORM
                for idx in list(union.roster):
                    self.leave(self.people[idx], union, data.REFORM, End.UNION_DISSOLVED,
                               data.R_STATE_ENDS)
                    self.people[idx].closed = True

    def load_after_reform(self) -> None:
        self.read_unions()
        self.simulate(data.REFORM, self.today)
        self.replay_changes()
        bulk.load_member_histories(
            actor=None,
            people=(bulk.PersonHistory(p.fields, [s.as_dict() for s in p.spans])
                    for p in self.people if p.member_id is None),
            reason=data.R_LOADED,
        )

    # --- unions ---------------------------------------------------------------------------

    def read_unions(self) -> None:
        """Member-holding units, their dates and successors; new ones get a size."""
        dates: dict[int, list] = {}
        for unit_id, valid_from, valid_to in (
            UnitVersion.objects.filter(unit__kind__in=MEMBER_HOLDING)
            .order_by("unit_id", "valid_from")
            .values_list("unit_id", "valid_from", "valid_to")
        ):
            dates.setdefault(unit_id, [valid_from, None])[1] = valid_to
        for unit in Unit.objects.filter(kind__in=MEMBER_HOLDING).order_by("pk"):
            start, end = dates[unit.pk]
            if (union := self.unions.get(unit.pk)) is not None:
                union.end, union.successor = union.end or end, unit.successor_id
                continue
            area = unit.code.rsplit("-", 1)[0]
            work = data.WORK[self.work_of(unit, area)]
            weight = self.rng.lognormvariate(math.log(work.median), work.spread)
            if area.startswith("CT-") or start >= data.REFORM:
                # Their number does not grow with the demo's size; their members do.
                weight *= min(1.0, self.size / 1000)
            employer = unit.name.removeprefix("CĐCS ").removesuffix(f" {data.SYNTHETIC}")
            self.unions[unit.pk] = Union(
                unit.pk, unit.code, area, start, end, unit.successor_id, work,
                "" if unit.kind == K.GUILD else employer, weight,
            )

    def work_of(self, unit: Unit, area: str) -> str:
        state = unit.code in self.state
        if unit.kind == K.GUILD:
            return "guild"
        if area.endswith("KCN"):
            return "zone"
        if area == "ST-GD":
            return "school" if state else "private_school"
        if area == "ST-YT":
            if not state:
                return "clinic"
            return ("hospital" if "Bệnh viện" in unit.name
                    else "health_station" if "Trạm" in unit.name else "health_centre")
        if area == "ST-CDVC":
            return "agency" if state else "state_enterprise"
        return "enterprise"

    def calibrate(self) -> None:
        """Members per unit of weight, so Sóc Trăng has its target on 31/12/2023."""
        expected = 0.0
        for u in self.unions.values():
            # A merged union's members live on in its successor.
            ends = u.end if u.successor is None else None
            if u.area.startswith("ST-") and u.start <= _END_2023 and (ends is None
                                                                        or ends > _END_2023):
                years = (_END_2023 + DAY - max(u.start, data.MEMBERS_FROM)).days / YEAR
                size = 1 if u.start < data.MEMBERS_FROM else data.NEW_UNION_SIZE
                expected += u.weight * size * (1 + data.GROWTH[u.area]) ** years
        self.scale = data.MEMBERS_END_2023 * self.size / 1000 / expected

    # --- the simulation -------------------------------------------------------------------

    def simulate(self, start: dt.date, end: dt.date) -> None:
        day = start
        while day <= min(end, self.today):
            last = min(dt.date(day.year, 12, 31), end, self.today)
            self.period(day, last)
            day = last + DAY

    def period(self, first: dt.date, last: dt.date) -> None:
        alive = [u for u in self.unions.values()
                 if u.start <= last and (u.end is None or u.end > first)]
        targets: dict[str, list[Union]] = {}  # unions there all period, by area and region
        for u in alive:
            if u.start <= first and (u.end is None or u.end > last):
                targets.setdefault(u.area, []).append(u)
                targets.setdefault(u.area[:2], []).append(u)
        for u in alive:
            if u.start >= first and u.start >= data.MEMBERS_FROM:
                count = max(5, self.sround(u.weight * self.scale * data.NEW_UNION_SIZE))
                for _ in range(count):
                    self.new_person(u, u.start)
            lo, hi = max(first, u.start + DAY), min(last, u.end - DAY if u.end else last)
            if lo > hi:
                continue
            share = ((hi - lo).days + 1) / YEAR  # of a year the union is there this period
            before, left = len(u.roster), 0
            for idx in list(u.roster):
                left += self.step(self.people[idx], u, lo, hi, share, targets)
            growth = before * data.GROWTH[u.area] * share
            noise = self.rng.gauss(0, 0.02 * before * math.sqrt(share))
            joins = left + self.sround(growth + noise) + u.owed
            u.owed = min(0, joins)
            for _ in range(joins):
                self.join(u, self.between(lo, hi))
        for u in alive:
            if u.end is not None and u.end != data.REFORM and first <= u.end - DAY <= last:
                self.close(u)

    def step(self, p: Person, u: Union, lo: dt.date, hi: dt.date, share: float,
             targets: dict[str, list[Union]]) -> int:
        """What happens to one member this period; 1 if they left the union."""
        span, rng = p.spans[-1], self.rng
        lo = max(lo, p.busy + DAY, span.start + DAY)
        if p.pending is not None:
            day, outcome = p.pending
            if day > hi:
                return 0
            p.pending, day = None, max(day, lo)
            if outcome == "leave":
                self.leave(p, u, day, End.LEFT_JOB)
                return 1
            self.move(p, u, u, day, Start.RESUMED, ACTIVE)
            return 0
        if lo > hi:
            return 0
        if p.retire_on <= hi:
            self.leave(p, u, max(lo, p.retire_on), End.RETIRED)
            return 1
        work, r = u.work, rng.random()
        if r < work.leave * share:
            why = rng.choices(list(data.LEAVING), weights=list(data.LEAVING.values()))[0]
            self.leave(p, u, self.between(lo, hi), why)
            return 1
        r -= work.leave * share
        if r < work.transfer * share:
            choices = targets.get(u.area if rng.random() < 0.7 else u.area[:2]) or [u]
            target = rng.choice(choices)
            if target is not u:
                self.move(p, u, target, self.between(lo, hi), Start.TRANSFERRED, span.status)
            return 0
        r -= work.transfer * share
        if r < work.suspend * share and span.status == ACTIVE:
            day = self.between(lo, hi)
            self.move(p, u, u, day, Start.SUSPENDED, SUSPENDED)
            outcome = "leave" if rng.random() < data.SUSPENSIONS_ENDING_IN_LEAVE else "resume"
            p.pending = (day + dt.timedelta(days=rng.randint(30, 330)), outcome)
        return 0

    def close(self, u: Union) -> None:
        """The union ended: its members follow its successor, or their membership ends."""
        successor = self.unions.get(u.successor) if u.successor else None
        for idx in list(u.roster):
            p = self.people[idx]
            if successor is None:
                self.leave(p, u, u.end, End.UNION_DISSOLVED, data.R_CLOSED)
            else:
                self.move(p, u, successor, u.end, Start.REORGANISED, p.spans[-1].status,
                          data.R_MERGED)

    # --- events -------------------------------------------------------------------------

    def leave(self, p: Person, u: Union, day: dt.date, why: str, note: str = "") -> None:
        span = p.spans[-1]
        span.end, span.why, span.note = day, why, note
        del u.roster[p.idx]
        p.busy, p.pending = day, None
        if why in (End.DECEASED, End.EXPELLED):
            p.gone = True
        elif why != End.RETIRED:
            self.pool.append(p.idx)

    def move(self, p: Person, u: Union, to: Union, day: dt.date, how: str, status: str,
             note: str = "") -> None:
        """Close the span and open the next the same day (transfer, suspension, …)."""
        span = p.spans[-1]
        span.end, span.why, span.note = day, how, note
        p.spans.append(Span(to.id, status, day, how, note=note))
        del u.roster[p.idx]
        to.roster[p.idx] = None
        p.busy = day

    def join(self, u: Union, day: dt.date) -> None:
        if self.rng.random() < data.READMITTED_SHARE and (p := self.from_pool(day)):
            p.spans.append(Span(u.id, ACTIVE, day, Start.READMITTED))
            u.roster[p.idx] = None
            p.busy = day
        else:
            self.new_person(u, day)

    def from_pool(self, day: dt.date) -> Person | None:
        for _ in range(4):
            if not self.pool:
                return None
            k = self.rng.randrange(len(self.pool))
            p = self.people[self.pool[k]]
            last = p.spans[-1]
            if (rules.add_months(last.end, self.readmit_after) <= day
                    and p.retire_on > day + dt.timedelta(days=365)):
                self.pool[k] = self.pool[-1]
                self.pool.pop()
                return p
        return None

    def new_person(self, u: Union, day: dt.date | None) -> Person:
        """Someone admitted into `u` on `day`; None: one of the stock admitted long ago."""
        rng, work = self.rng, u.work
        gender = "female" if rng.random() < work.women else "male"
        if day is None:
            oldest = 57 if gender == "male" else 53
            birth = data.MEMBERS_FROM - dt.timedelta(days=rng.triangular(20, oldest, 36) * YEAR)
            day = u.start
            if rng.random() > 0.2:
                day = self.between(max(u.start, _STOCK_FROM), data.MEMBERS_FROM - DAY)
            day = max(day, rules.add_months(birth, 12 * 18 + 1))
            year_only = rng.random() < 0.18  # old records: only a year of birth
        else:
            age = rng.triangular(22, 50, 27) if work.public else rng.triangular(18, 50, 25)
            birth = day - dt.timedelta(days=age * YEAR)
            year_only = rng.random() < 0.02
        region = "CT" if u.area.startswith("CT-") else "ST"
        if self.foreign and work is data.WORK["zone"] and day >= data.REFORM and (
            rng.random() < 0.05
        ):
            self.foreign -= 1
            fields = self.maker.foreigner(birth=birth, employer=u.employer)
        else:
            mix = data.ETHNIC_MIX.get(u.area, data.ETHNIC_MIX_DEFAULT[region])
            fields = self.maker.person(gender=gender, birth=birth, year_only=year_only,
                                       ethnic_mix=mix, region=region, public=work.public,
                                       employer=u.employer)
        p = Person(len(self.people), fields, retirement(birth, fields["gender"]),
                   [Span(u.id, ACTIVE, day, Start.ADMITTED)], busy=day)
        self.people.append(p)
        u.roster[p.idx] = None
        return p

    def sround(self, x: float) -> int:
        """x rounded up or down at random, so that many roundings add up to no bias."""
        whole = math.floor(x)
        return whole + (self.rng.random() < x - whole)

    def between(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))

    # --- after the reform, through the per-row services -----------------------------------

    def replay_changes(self) -> None:
        """What happened since to people already written, as clerks would record it."""
        ops = []
        for p in self.people:
            if p.member_id is not None:
                ops += self.changes_of(p)
        ops.sort(key=lambda op: op[:3])
        members = Member.objects.in_bulk({self.people[op[1]].member_id for op in ops})
        units = Unit.objects.in_bulk({op[4] for op in ops if op[4]})
        for day, idx, _seq, action, unit_id, why in ops:
            member = members[self.people[idx].member_id]
            if action == "readmit":
                member_services.readmit_member(actor=None, member=member, unit=units[unit_id],
                                               on=day)
            elif action == "transfer":
                member_services.transfer_member(actor=None, member=member,
                                                to_unit=units[unit_id], on=day)
            elif action == "suspended":
                member_services.suspend_member(actor=None, member=member, on=day)
            elif action == "resumed":
                member_services.resume_member(actor=None, member=member, on=day)
            else:
                member_services.leave_union(actor=None, member=member, on=day, reason=why)

    def changes_of(self, p: Person) -> list[tuple]:
        """(day, person, order, action, unit, reason) for what is not in the database yet."""
        ops, spans, written = [], p.spans, p.written
        for i in range(written - 1, len(spans)):
            span = spans[i]
            if i >= written and span.how == Start.READMITTED:
                ops.append((span.start, p.idx, len(ops), "readmit", span.unit, ""))
            in_db = i < written - 1 or (i == written - 1 and p.closed)
            if span.end is None or in_db:
                continue
            if span.why == End.TRANSFERRED:
                ops.append((span.end, p.idx, len(ops), "transfer", spans[i + 1].unit, ""))
            elif span.why in (End.SUSPENDED, End.RESUMED):
                ops.append((span.end, p.idx, len(ops), str(span.why), None, ""))
            else:
                ops.append((span.end, p.idx, len(ops), "leave", None, span.why))
        return ops
