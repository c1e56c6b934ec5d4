"""Reads of the progress dashboard: which plan and unit it opens on, and what it shows beside
the figures of analytics.progress (the enterprises still without a union, the overdue tasks,
the way back up the tree).

The page and its PDF both read `dashboard()`, and the figures in it are plan_progress's, so
the web page, the PDF and the `congdoan progress` command say the same numbers.
"""

import datetime as dt
from dataclasses import dataclass

from congdoan.accounts.scope import Scope
from congdoan.analytics import progress
from congdoan.analytics import series as charts
from congdoan.analytics.cache import remembered
from congdoan.core.dates import today
from congdoan.enterprises import selectors as enterprise_selectors
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit, path_ids
from congdoan.plans import task_selectors
from congdoan.plans.models import Indicator, Plan, Task
from congdoan.plans.selectors import visible_plans

AS_WAS, CURRENT = "as-was", "current"
STRUCTURES = (AS_WAS, CURRENT)
TOP_UNCOVERED = 10
TOP_OVERDUE = 10
# The indicator the line chart opens on: members at a date, when the plan has one.
HEADLINE_CALCULATOR = "members"
COVERAGE_CALCULATOR = "enterprise_coverage"


# --- which plan, which unit ----------------------------------------------------------------


def plan_choices(scope: Scope) -> list[Plan]:
    """The plans the user may look at, in force first, then the latest."""
    plans = visible_plans(scope).order_by("-ends_on", "code")
    order = {Plan.Status.IN_FORCE: 0, Plan.Status.CLOSED: 1, Plan.Status.DRAFT: 2}
    return sorted(plans, key=lambda p: order.get(p.status, 3))


def default_plan(plans: list[Plan], scope: Scope, on: dt.date) -> Plan | None:
    """The plan the dashboard opens on: one in force that covers `on` (the one owned nearest
    above the user's unit first), else the latest that is not a draft."""
    own = set(path_ids(scope.unit.path)) if scope.unit is not None else set()

    def nearness(plan: Plan) -> tuple:
        # A district that has its own plan follows it; otherwise the province's.
        return (plan.owner_id not in own, -len(plan.owner.path))

    covering = [
        p for p in plans if p.status == Plan.Status.IN_FORCE and p.starts_on <= on <= p.ends_on
    ]
    if covering:
        return min(covering, key=nearness)
    settled = [p for p in plans if p.status != Plan.Status.DRAFT and p.starts_on <= on]
    return settled[0] if settled else None


def default_unit(scope: Scope, plan: Plan | None) -> Unit | None:
    """The user's unit; for an administrator without one, the plan's owner."""
    if scope.unit is not None:
        return scope.unit
    return plan.owner if plan is not None else None


def plan_indicators(plan: Plan) -> list[Indicator]:
    return list(plan.indicators.order_by("code"))


def headline_indicator(indicators: list[Indicator], code: str = "") -> Indicator | None:
    """The indicator with `code`, else members at a date, else the first."""
    by_code = {i.code: i for i in indicators}
    if code in by_code:
        return by_code[code]
    members = [i for i in indicators if i.calculator == HEADLINE_CALCULATOR]
    return (members or indicators or [None])[0]


def coverage_threshold(indicators: list[Indicator]) -> int:
    """The plan's own threshold of workers when it measures coverage, else the setting."""
    for indicator in indicators:
        if indicator.calculator == COVERAGE_CALCULATOR and indicator.min_workers is not None:
            return indicator.min_workers
    return enterprise_selectors.default_min_workers()


# --- what the page shows beside the progress figures ---------------------------------------


def breadcrumb(scope: Scope, unit: Unit, *, on: dt.date, structure: str) -> list[Unit]:
    """The units from the top the user may see down to `unit`'s parent, in the structure
    shown (as it was on `on`, or today's)."""
    if structure == CURRENT:
        above = [pk for pk in path_ids(unit.path) if pk != unit.pk]
    else:
        above = [node.id for node in reversed(org_selectors.ancestors_as_of(unit, on))]
    units = Unit.objects.in_bulk(above)
    chain = []
    for pk in reversed(above):  # upwards until the user's sight ends
        if pk not in units or not scope.contains(units[pk]):
            break
        chain.append(units[pk])
    return chain[::-1]


def existed(unit: Unit, on: dt.date) -> bool:
    """Whether `unit` was part of the structure on `on` (a unit founded later was not)."""
    return unit.pk in org_selectors.tree_as_of(on)


@dataclass(frozen=True)
class Uncovered:
    count: int
    min_workers: int
    top: list  # enterprises, most workers first, each with `workers`


def uncovered(
    scope: Scope, unit: Unit, *, on: dt.date, structure: str, min_workers: int
) -> Uncovered:
    """Operating enterprises under `unit` with at least `min_workers` workers and no union
    on `on`: how many, and the largest few."""
    def compute() -> Uncovered:
        found = enterprise_selectors.uncovered(
            unit=unit, on=on, min_workers=min_workers, structure=structure, scope=scope
        )
        top = list(found[:TOP_UNCOVERED])
        count = len(top) if len(top) < TOP_UNCOVERED else found.count()
        return Uncovered(count=count, min_workers=min_workers, top=top)

    # What a user sees depends on their scope: its unit is part of the key.
    seen_from = None if scope.is_everything else getattr(scope.unit, "pk", 0)
    return remembered("uncovered", (seen_from, unit.pk, on, structure, min_workers), compute)


@dataclass(frozen=True)
class Overdue:
    count: int
    top: list[Task]  # earliest deadline first, responsible units loaded


def overdue_tasks(plan: Plan, unit: Unit, *, on: dt.date) -> Overdue:
    """The plan's tasks past their deadline on `on` and neither done nor cancelled, that a
    unit in `unit`'s subtree answers for (all of them for the plan's owner)."""
    tasks = (
        Task.objects.filter(group__plan=plan, due_on__lt=on)
        .exclude(status__in=task_selectors.CLOSED_STATUSES)
        .select_related("group")
    )
    if unit.pk != plan.owner_id:
        tasks = tasks.filter(
            pk__in=Task.objects.filter(responsible__path__startswith=unit.path).values("pk")
        )
    count = tasks.count()
    top = list(tasks.order_by("due_on", "group__number", "number").prefetch_related(
        "responsible"
    )[:TOP_OVERDUE])
    return Overdue(count=count, top=top)


# --- the dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One unit directly under the one shown, with its headline figures."""

    rank: int | None  # by % achieved, best first; None without a percentage
    unit: progress.UnitProgress
    figures: progress.IndicatorProgress | None  # of the headline indicator
    in_scope: bool  # the user may drill down into it


@dataclass(frozen=True)
class Dashboard:
    plan: Plan
    unit: Unit
    as_of: dt.date
    structure: str
    progress: progress.PlanProgress
    indicators: list[Indicator]
    indicator: Indicator | None
    headline: progress.IndicatorProgress | None
    series: charts.ChartSeries | None
    rows: list[Row]
    breadcrumb: list[Unit]
    uncovered: Uncovered
    overdue: Overdue

    @property
    def is_today(self) -> bool:
        return self.as_of == today()

    @property
    def cards(self) -> list:
        """The unit's figures, the headline first, then those with a target (read first on
        a phone), each group in the plan's order."""
        figures = self.progress.unit.indicators
        code = self.headline.indicator if self.headline else None
        return sorted(figures, key=lambda f: (f.indicator != code, f.target is None))


def figures_of(unit: progress.UnitProgress, code: str | None):
    return next((f for f in unit.indicators if f.indicator == code), None)


def ranked(children: list, code: str | None, in_scope: set[str]) -> list[Row]:
    """The children by the headline indicator's % achieved, best first; those without a
    percentage last, largest first."""
    rows = [(child, figures_of(child, code)) for child in children]

    def key(row):
        pct = row[1].achieved_pct if row[1] is not None else None
        actual = row[1].actual if row[1] is not None else None
        return (pct is None, -(pct or 0), -(actual or 0), row[0].name)

    rows.sort(key=key)
    out = []
    for i, (child, figures) in enumerate(rows, start=1):
        has_pct = figures is not None and figures.achieved_pct is not None
        out.append(Row(rank=i if has_pct else None, unit=child, figures=figures,
                       in_scope=child.unit in in_scope))  # fmt: skip
    return out


def dashboard(
    scope: Scope,
    plan: Plan,
    unit: Unit,
    *,
    as_of: dt.date,
    structure: str = AS_WAS,
    indicator_code: str = "",
) -> Dashboard:
    """Everything the dashboard and its PDF show for `unit` under `plan` on `as_of`."""
    key = (plan.pk, unit.pk, as_of, structure)
    found = remembered(
        "progress",
        key,
        lambda: progress.plan_progress(plan, unit=unit, as_of=as_of, structure=structure),
    )
    indicators = plan_indicators(plan)
    indicator = headline_indicator(indicators, indicator_code)
    code = indicator.code if indicator is not None else None
    series = (
        remembered(
            "series",
            (*key, indicator.pk),
            lambda: charts.headline_series(
                plan, indicator, unit, as_of=as_of, structure=structure
            ),
        )
        if indicator is not None
        else None
    )
    codes = [child.unit for child in found.children]
    if scope.is_everything:
        in_scope = set(codes)
    else:
        in_scope = set(scope.units().filter(code__in=codes).values_list("code", flat=True))
    return Dashboard(
        plan=plan,
        unit=unit,
        as_of=as_of,
        structure=structure,
        progress=found,
        indicators=indicators,
        indicator=indicator,
        headline=figures_of(found.unit, code),
        series=series,
        rows=ranked(found.children, code, in_scope),
        breadcrumb=breadcrumb(scope, unit, on=as_of, structure=structure),
        uncovered=uncovered(
            scope, unit, on=as_of, structure=structure,
            min_workers=coverage_threshold(indicators),
        ),  # fmt: skip
        # Tasks keep only their status of today: whether one is late is a question of today.
        overdue=overdue_tasks(plan, unit, on=today()),
    )

