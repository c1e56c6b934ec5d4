"""The demo's organizing campaigns: every stage and state, through the real services."""

import datetime as dt
import random

from congdoan.core.dates import today
from congdoan.demo.campaigns import load_campaigns
from congdoan.enterprises import services as enterprise_services
from congdoan.enterprises.models import UnionLink
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.members.models import Membership
from congdoan.organizing.models import STAGES, Case, Stage, State

D = dt.date


def test_campaigns_cover_every_stage_and_only_enterprises_that_need_a_union(org):
    start = D(2020, 1, 1)
    need = [
        make_enterprise(area_unit=district, workers=20 + 15 * i, on=start, name=f"Công ty {i}")
        for i, district in enumerate([org.district_a, org.district_b] * 7)
    ]
    small = make_enterprise(area_unit=org.district_a, workers=12, on=start, name="Công ty Nhỏ")
    covered = make_enterprise(area_unit=org.district_b, workers=90, on=start, name="Có CĐ")
    enterprise_services.link_union(
        actor=None, enterprise=covered, union=org.grassroots_b1, on=start
    )

    summary = load_campaigns(rng=random.Random(7), today=today())

    cases = Case.objects.all()
    assert summary.cases == cases.count() == len(need)
    assert not cases.filter(enterprise__in=[small, covered]).exists()
    assert set(cases.values_list("stage", flat=True)) == set(STAGES)
    assert {State.PAUSED, State.STOPPED} <= set(cases.values_list("state", flat=True))
    assert summary.by_stage == {s: cases.filter(stage=s).count() for s in STAGES}
    for case in cases.filter(stage=Stage.RECOGNISED):
        assert UnionLink.objects.filter(enterprise=case.enterprise, union=case.union).exists()
        assert Membership.objects.filter(unit=case.union).count() == case.applicants.count() >= 5
        assert case.union.parent == case.owner
    assert summary.recognised >= 1
    active = cases.filter(state=State.ACTIVE).exclude(stage=Stage.RECOGNISED)
    assert all(case.next_step and case.next_step_due for case in active)
    # Run again: the enterprises with an open case are not picked twice.
    again = load_campaigns(rng=random.Random(8), today=today())
    assert again.cases == cases.filter(state=State.STOPPED).count()
