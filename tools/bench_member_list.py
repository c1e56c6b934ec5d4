"""How fast is the member list? Not run by the tests.

    .venv/bin/python tools/bench_member_list.py [--members 100000] [--units-per-district 100]

Builds a throw-away SQLite database (or uses DATABASE_URL if set — careful, it writes),
creates one province of 11 districts with their grassroots unions, then N synthetic members
written straight with bulk_create (a benchmark shortcut: the app itself only writes through
members.services), and times the list's queries for users of several scopes. Each figure is
the best of several runs, in milliseconds.
"""

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Lâm",
          "Thạch", "Danh", "Sơn", "Kim", "Triệu", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Hoàng", "Kim", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khoa", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sang", "Tâm", "Thảo", "Trung",
         "Tuấn", "Vy", "Yến", "Sóc", "Phol", "Sa Rây", "Chanh Đa"]


def setup(var_dir: str) -> None:
    os.environ.setdefault("CONGDOAN_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(members: int, per_district: int, seed: int = 2023):
    from congdoan.core.text import search_key
    from congdoan.members.models import Member, Membership
    from congdoan.org.kinds import UnitKind
    from congdoan.testing import make_unit

    rng = random.Random(seed)
    start = dt.date(2010, 1, 1)
    province = make_unit(code="BENCH-P", name="LĐLĐ tỉnh Thử", kind=UnitKind.PROVINCE, on=start)
    districts, grassroots = [], []
    for d in range(11):
        district = make_unit(code=f"BENCH-D{d:02d}", name=f"LĐLĐ huyện {d}",
                             kind=UnitKind.DISTRICT, parent=province, on=start)
        districts.append(district)
        for g in range(per_district):
            grassroots.append(make_unit(code=f"BENCH-D{d:02d}-{g:03d}", name=f"CĐCS {d}-{g}",
                                        parent=district, on=start))
    people, spans = [], []
    for i in range(members):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        gender = "female" if "Thị" in name or rng.random() < 0.4 else "male"
        year = rng.randint(1960, 2005)
        marker = (0 if year < 2000 else 2) + (gender == "female")
        people.append(Member(
            full_name=name, search_key=search_key(name), gender=gender, birth_year=year,
            national_id=f"094{marker}{year % 100:02d}{i:06d}", joined_on=dt.date(2012, 1, 1),
        ))
    Member.objects.bulk_create(people, batch_size=5000)
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        unit, roll = rng.choice(grassroots), rng.random()
        if roll < 0.85:
            spans.append(Membership(member_id=pk, unit=unit, status="active",
                                    start=dt.date(2012, 1, 1), start_reason="admitted"))
        elif roll < 0.90:
            spans.append(Membership(member_id=pk, unit=unit, status="suspended",
                                    start=dt.date(2024, 1, 1), start_reason="suspended"))
        else:
            spans.append(Membership(member_id=pk, unit=unit, status="active",
                                    start=dt.date(2012, 1, 1), start_reason="admitted",
                                    end=dt.date(2020, 1, 1), end_reason="retired"))
    Membership.objects.bulk_create(spans, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics PostgreSQL plans
        # for a few rows. SQLite is measured as the app runs it, without ANALYZE.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return province, districts[0], grassroots[0]


def best_ms(call, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--units-per-district", type=int, default=100)
    args = parser.parse_args()
    setup(tempfile.mkdtemp(prefix="congdoan-bench-"))

    from django.db import connection

    from congdoan.accounts.models import Role
    from congdoan.accounts.scope import Scope
    from congdoan.members import selectors

    t0 = time.perf_counter()
    province, district, grassroots = build(args.members, args.units_per_district)
    print(f"{connection.vendor}: built {args.members:,} members in "
          f"{time.perf_counter() - t0:.1f} s")
    from congdoan.members.models import Member

    national_id = Member.objects.filter(memberships__unit=grassroots).values_list(
        "national_id", flat=True
    ).first()
    scopes = {
        "admin (everything)": Scope(role=Role.ADMIN, unit=None, is_everything=True),
        "province manager": Scope(role=Role.MANAGER, unit=province, is_everything=False),
        "district manager": Scope(role=Role.MANAGER, unit=district, is_everything=False),
        "grassroots clerk": Scope(role=Role.CLERK, unit=grassroots, is_everything=False),
    }
    cases = {
        "page 1": {},
        "search 'nguyen van an'": {"text": "nguyen van an"},
        "search 'an nguyen' (word order)": {"text": "an nguyen"},
        "search, no match (worst case)": {"text": "khong co ai"},
        "search national ID": {"text": national_id},
        "status left": {"status": "left"},
        "women 30–45": {"gender": "female", "age_band": "30-45"},
    }
    print(f"{'scope':<20} {'query':<34} {'rows':>5} {'page ms':>8} {'next ms':>8}")
    for scope_name, scope in scopes.items():
        for case_name, filters in cases.items():
            members = selectors.find_members(scope, **filters)
            page = selectors.member_page(members)
            first = best_ms(lambda m=members: selectors.member_page(m))
            after = page.next_key or ""
            following = best_ms(lambda m=members, a=after: selectors.member_page(m, after=a))
            print(f"{scope_name:<20} {case_name:<34} {len(page.members):>5} {first:>8.1f} "
                  f"{following:>8.1f}")


if __name__ == "__main__":
    main()
