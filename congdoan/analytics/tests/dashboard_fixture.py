"""A small province like the demo's, for the dashboard's tests: a plan of the province in
force for 2022–2023 with members and new members as indicators, targets for the province and
both districts, members joining over the two years, tasks (two overdue) and enterprises
without a union.

Members on 31/12/2023: DA-1 5, DA-2 2 (DA 7); DB-1 2, DB-2 1 (DB 3); the province 10.
"""

import datetime as dt

from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.plans import services as plan_services
from congdoan.plans import target_services
from congdoan.plans import tasks as plan_tasks
from congdoan.plans.models import Plan, Source
from congdoan.plans.tests.factory import make_indicator, make_plan
from congdoan.testing import make_member

AS_OF = dt.date(2023, 12, 31)
AS_OF_TEXT = "31/12/2023"
# 2023 targets of members: the province 12, district A 7 (met), district B 5 (short).
MEMBER_TARGETS = {"P": 12, "DA": 7, "DB": 5}


def make_progress_plan(org, *, code: str = "PTDV") -> Plan:
    members = make_indicator(
        code="DV_TONG", name="Tổng số đoàn viên", source=Source.COMPUTED, calculator="members"
    )
    joined = make_indicator(
        code="DV_MOI", name="Số đoàn viên kết nạp mới", source=Source.COMPUTED,
        calculator="members_joined",
    )  # fmt: skip
    plan = make_plan(owner=org.province, indicators=[members, joined], code=code)
    plan_services.change_plan_status(actor=None, plan=plan, status=Plan.Status.IN_FORCE)
    periods = {p.label: p for p in plan.periods.all()}
    units = {"P": org.province, "DA": org.district_a, "DB": org.district_b}
    for unit_code, value in MEMBER_TARGETS.items():
        target_services.set_target(actor=None, plan=plan, indicator=members,
                                   unit=units[unit_code], period=periods["2023"], value=value)
        target_services.set_target(actor=None, plan=plan, indicator=members,
                                   unit=units[unit_code], period=periods["2022"],
                                   value=value - 2)  # fmt: skip
    target_services.set_target(actor=None, plan=plan, indicator=joined, unit=org.province,
                               period=periods["2023"], value=4)  # fmt: skip
    joins = [
        (org.grassroots_a1, dt.date(2015, 1, 1), 3),
        (org.grassroots_a1, dt.date(2022, 3, 10), 2),
        (org.grassroots_a2, dt.date(2023, 2, 1), 2),
        (org.grassroots_b1, dt.date(2015, 1, 1), 2),
        (org.grassroots_b2, dt.date(2022, 6, 1), 1),
    ]
    for unit, on, count in joins:
        for _i in range(count):
            make_member(unit=unit, on=on)
    group = plan_tasks.create_group(actor=None, plan=plan, title="Tuyên truyền")
    for title, unit, due in (
        ("Hội nghị quán triệt ở huyện A", org.district_a, "Q1-2022"),
        ("Khảo sát doanh nghiệp ở huyện B", org.district_b, "30/06/2023"),
        ("Tổng kết kế hoạch", org.province, "31/12/2030"),
    ):
        plan_tasks.add_task(actor=None, group=group, title=title, responsible=[unit], due=due)
    make_enterprise(area_unit=org.district_a, workers=120, name="Công ty May Ánh Dương")
    make_enterprise(area_unit=org.district_b, workers=45, name="Công ty Gạch Bình Minh")
    make_enterprise(area_unit=org.district_b, workers=8, name="Cơ sở Nhỏ Lẻ")
    return plan
