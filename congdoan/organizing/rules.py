"""The rules of organizing cases, in one place; each check raises a coded ValidationError."""

import datetime as dt

from django.conf import settings

from congdoan.accounts.scope import Scope
from congdoan.core.dates import format_date, today
from congdoan.core.errors import fail
from congdoan.enterprises import rules as enterprise_rules
from congdoan.enterprises.models import Enterprise, Status
from congdoan.org.kinds import UPPER_LEVEL, UnitKind
from congdoan.org.models import Unit
from congdoan.organizing import errors
from congdoan.organizing.models import Case, Stage, StageEvent, State

Kind = StageEvent.Kind
#: Kinds of unit that run cases: the upper-level unions and the province federation.
OWNER_KINDS = UPPER_LEVEL | {UnitKind.PROVINCE}
STAGE_LABELS = dict(Stage.choices)
STATE_LABELS = dict(State.choices)


def min_applicants() -> int:
    return settings.ORGANIZING_MIN_APPLICANTS


def check_owner(owner: Unit | None, scope: Scope | None) -> Unit:
    """A living upper-level unit (or province federation) the user may found unions under."""
    if owner is None:
        fail(errors.OWNER_REQUIRED, "owner_required")
    if owner.kind not in OWNER_KINDS:
        fail(errors.OWNER_NOT_UPPER_LEVEL, "owner_not_upper_level", unit=owner)
    if not owner.is_active:
        fail(errors.OWNER_ENDED, "owner_ended", unit=owner)
    check_may_run(owner, scope)
    return owner


def check_may_run(owner: Unit, scope: Scope | None) -> None:
    if scope is not None and not scope.can_place_under(owner):
        fail(errors.OWNER_OUTSIDE_SCOPE, "owner_outside_scope", unit=owner)


def check_date(on: dt.date | None) -> dt.date:
    if on is None:
        fail(errors.DATE_REQUIRED, "date_required")
    if on > today():
        fail(errors.DATE_IN_FUTURE, "date_in_future", date=format_date(on))
    return on


def check_operating(enterprise: Enterprise, on: dt.date) -> None:
    period = enterprise_rules.status_on(enterprise, on)
    if period is None or period.status != Status.OPERATING:
        fail(
            errors.ENTERPRISE_NOT_OPERATING,
            "enterprise_not_operating",
            enterprise=enterprise.name,
            date=format_date(on),
        )


def check_open(case: Case, *, active: bool = False) -> None:
    if not case.is_open:
        label = STAGE_LABELS[case.stage] if case.stage == Stage.RECOGNISED else None
        fail(
            errors.CASE_CLOSED,
            "case_closed",
            enterprise=case.enterprise.name,
            state=label or STATE_LABELS[case.state],
        )
    if active and case.state == State.PAUSED:
        fail(errors.CASE_PAUSED, "case_paused", enterprise=case.enterprise.name)


def check_from_stage(case: Case, from_stage: str | None) -> None:
    """The stage the user saw is still the case's: two clicks cannot move it twice."""
    if from_stage is not None and from_stage != case.stage:
        fail(
            errors.STAGE_CHANGED,
            "stage_changed",
            stage=STAGE_LABELS[case.stage],
            expected=STAGE_LABELS.get(from_stage, from_stage),
        )


def live_events(case: Case) -> list[StageEvent]:
    """The case's steps oldest first, without the corrections and the steps they undid."""
    live: list[StageEvent] = []
    for event in case.events.order_by("pk"):
        if event.kind != Kind.BACK:
            live.append(event)
            continue
        undone = next((e for e in reversed(live) if e.kind == Kind.ADVANCED), None)
        if undone is not None:
            live.remove(undone)
    return live


def last_step_on(case: Case) -> dt.date:
    """The latest date of the steps since the case reached its stage: a new step is dated
    on or after it."""
    live = live_events(case)
    reached = next(
        (i for i in range(len(live) - 1, -1, -1) if live[i].kind in (Kind.OPENED, Kind.ADVANCED)),
        0,
    )
    return max((e.on for e in live[reached:]), default=case.opened_on)


def check_step_date(case: Case, on: dt.date | None) -> dt.date:
    check_date(on)
    last = last_step_on(case)
    if on < last:
        fail(errors.DATE_BEFORE_LAST, "date_before_last", last=format_date(last))
    return on
