"""`congdoan generate`: a national tree, people and spans that keep the registry's rules."""

import datetime as dt
import io
import json
from collections import defaultdict

import numpy as np
import pytest
from django.core.management import call_command
from django.db.models import Count, F

from congdoan.analytics import generate, generate_draw
from congdoan.analytics.generate_people import PROVINCES
from congdoan.analytics.generate_tree import UPPER_PER_PROVINCE
from congdoan.core.dates import today
from congdoan.members.models import Member, Membership
from congdoan.org.current import refresh_current_structure
from congdoan.org.kinds import UnitKind, may_be_child
from congdoan.org.models import OrgEvent, Unit, UnitVersion

MEMBERS, GRASSROOTS = 600, 40
ALL_UNITS = 1 + len(PROVINCES) * (1 + UPPER_PER_PROVINCE) + GRASSROOTS


@pytest.fixture
def made(db):
    return generate.generate(members=MEMBERS, units=GRASSROOTS, seed=7)


def test_counts_match_what_was_asked(made):
    assert (made.units, made.grassroots, made.members) == (ALL_UNITS, GRASSROOTS, MEMBERS)
    assert Unit.objects.count() == ALL_UNITS
    assert Unit.objects.filter(kind=UnitKind.GRASSROOTS).count() == GRASSROOTS
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == len(PROVINCES)
    assert Member.objects.count() == MEMBERS
    assert Membership.objects.count() == made.spans > MEMBERS
    assert UnitVersion.objects.count() == ALL_UNITS
    assert OrgEvent.objects.filter(kind=OrgEvent.Kind.CREATE).count() == ALL_UNITS
    # Each unit is recorded in its own creation event and its version points to it.
    assert not OrgEvent.objects.annotate(n=Count("units")).exclude(n=1).exists()
    assert UnitVersion.objects.filter(event__units=F("unit")).count() == ALL_UNITS


def test_the_tree_is_what_org_would_have_made(made):
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "/") + f"{unit.pk}/"
        assert unit.depth == unit.path.count("/") - 2
        assert may_be_child(child_kind=unit.kind, parent_kind=parent.kind if parent else None)
    version = UnitVersion.objects.get(unit=units[next(iter(units))])
    assert version.valid_to is None and version.parent_id is None
    # Restating the units from their versions changes nothing: paths, depths, search keys.
    assert refresh_current_structure() == 0
    # Sequences moved past the written ids: the services can create more.
    assert Unit.objects.create(code="NEW", name="Mới", kind="grassroots", path="",
                               starts_on=dt.date(2020, 1, 1)).pk > max(units)  # fmt: skip


def test_spans_follow_the_registry_rules(made):
    on = today()
    kinds = dict(Unit.objects.values_list("pk", "kind"))
    paths = dict(Unit.objects.values_list("pk", "path"))
    births = dict(Member.objects.values_list("pk", "birth_year"))
    spans = defaultdict(list)
    for span in Membership.objects.order_by("member_id", "start"):
        spans[span.member_id].append(span)
    assert set(spans) == set(births)
    for member_id, mine in spans.items():
        assert sum(s.end is None for s in mine) <= 1
        assert all(s.end is None or s.start < s.end < on for s in mine)
        assert mine[0].start.year - births[member_id] >= 18
        assert mine[0].start_reason == Membership.StartReason.ADMITTED
        for before, after in zip(mine, mine[1:], strict=False):
            assert before.end == after.start  # back to back, no overlap
            assert before.end_reason == after.start_reason
        for span in mine:
            assert kinds[span.unit_id] == UnitKind.GRASSROOTS
        # Transfers stay within the province.
        assert len({paths[s.unit_id].split("/")[2] for s in mine}) == 1
    histories = {tuple(s.end_reason for s in mine) for mine in spans.values()}
    assert ("",) in histories and ("transferred", "") in histories
    assert ("suspended", "") in histories
    assert any(len(h) == 1 and h[0] for h in histories)  # some left


def test_national_ids_are_unique_and_well_formed(made):
    ids = list(Member.objects.exclude(national_id=None).values_list("national_id", flat=True))
    assert len(ids) == len(set(ids)) > MEMBERS * 0.8
    codes = {code for code, _name, _weight in PROVINCES}
    assert all(len(i) == 12 and i.isdigit() and i[:3] in codes for i in ids)


def test_the_aggregates_are_rebuilt(made):
    from congdoan.analytics.rollup import rollup_on

    on = today()
    top = Unit.objects.get(depth=0)
    members = Membership.objects.filter(start__lte=on, end=None).count()
    assert rollup_on(on).of(top.pk)["members"] == members
    assert made.rebuilt is not None


def test_joins_rise_over_the_years_and_peak_in_the_second_and_fourth_quarters():
    rng = np.random.default_rng(3)
    days = generate_draw.join_days(rng, 60_000, 2015, dt.date(2025, 12, 31))
    when = days.astype("datetime64[D]")
    years = when.astype("datetime64[Y]").astype(int) + 1970
    months = when.astype("datetime64[M]").astype(int) % 12 + 1
    late = years >= 2015
    assert 0.30 < 1 - late.mean() < 0.40
    assert (years == 2024).sum() > 1.4 * (years == 2015).sum()
    busy = np.isin(months[late], [4, 5, 6, 10, 11, 12]).sum()
    assert busy > 1.3 * (late.sum() - busy)


def test_the_command_refuses_a_database_with_units(org):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("generate", members=10, units=2, stderr=err, skip_checks=True)
    assert exit_.value.code == 2
    message = err.getvalue().strip()
    assert "\n" not in message and "7" in message  # one line, naming the 7 units
    assert Member.objects.count() == 0


def test_the_command_prints_json(db):
    out = io.StringIO()
    call_command("generate", members=50, units=3, as_json=True, stdout=out, skip_checks=True)
    data = json.loads(out.getvalue())
    assert data["members"] == 50 and data["grassroots"] == 3
    assert {s["step"] for s in data["steps"]} >= {"units", "members", "spans"}
