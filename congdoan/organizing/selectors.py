"""Reads of organizing cases, always within the user's scope (the owner unit's subtree)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from congdoan.accounts.scope import Scope
from congdoan.core.dates import today
from congdoan.enterprises.models import Enterprise, Headcount
from congdoan.organizing.models import OPEN, STAGES, Case, Stage, State

#: How long a recognised case stays in the board's last column.
RECOGNISED_SHOWN_DAYS = 365


def cases_in_scope(scope: Scope) -> QuerySet[Case]:
    """Every case whose owner unit the user may read."""
    return scope.filter(Case.objects.all(), "owner")


def with_workers(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases annotated with the enterprise's latest `workers` figure (None if unknown)."""
    latest = (
        Headcount.objects.filter(enterprise=OuterRef("enterprise"))
        .order_by("-as_of")
        .values("workers")[:1]
    )
    return cases.select_related("enterprise", "owner", "union").annotate(
        workers=Subquery(latest), applicant_count=Count("applicants")
    )


def case_for(scope: Scope, pk: int) -> Case:
    """The case `pk` if it is in scope; 404 otherwise, so outsiders learn nothing."""
    case = with_workers(cases_in_scope(scope)).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@dataclass
class Column:
    stage: str
    label: str
    cases: list


def board(scope: Scope, *, on: dt.date | None = None) -> list[Column]:
    """One column per stage: the open cases (paused ones too), and the cases recognised in
    the last year, soonest due first."""
    on = on or today()
    since = on - dt.timedelta(days=RECOGNISED_SHOWN_DAYS)
    shown = OPEN | Q(stage=Stage.RECOGNISED, decision_date__gte=since)
    cases = with_workers(cases_in_scope(scope).filter(shown)).order_by(
        "stage", "state", "next_step_due", "enterprise__name", "pk"
    )
    by_stage: dict[str, list] = {stage: [] for stage in STAGES}
    for case in cases:
        by_stage[case.stage].append(case)
    return [Column(stage, label, by_stage[stage]) for stage, label in Stage.choices]


def overdue(scope: Scope, *, on: dt.date | None = None) -> QuerySet[Case]:
    """Active open cases whose next step was due before `on` (today), oldest first."""
    on = on or today()
    return (
        with_workers(cases_in_scope(scope))
        .filter(OPEN, state=State.ACTIVE, next_step_due__lt=on)
        .order_by("next_step_due", "enterprise__name", "pk")
    )


def stage_counts(scope: Scope) -> dict[str, int]:
    """How many open cases are at each stage (recognised: all recognised cases)."""
    rows = (
        cases_in_scope(scope)
        .filter(OPEN | Q(stage=Stage.RECOGNISED))
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    counts = dict.fromkeys(STAGES, 0)
    counts.update(rows)
    return counts


def stopped_count(scope: Scope) -> int:
    return cases_in_scope(scope).filter(state=State.STOPPED).count()


def enterprise_for(scope: Scope, pk) -> Enterprise:
    """An enterprise whose area unit is in scope; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    enterprise = (
        scope.filter(Enterprise.objects.select_related("area_unit"), "area_unit")
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        raise Http404
    return enterprise
