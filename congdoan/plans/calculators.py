"""The built-in calculators of computed indicators: figures read from the registry.

Conventions, the same for every calculator:

- A period runs from `start` to `end`, both days included (a year is 1 January to
  31 December). An 'at_date' calculator gives the value at the end of the period: on `end`,
  after that day's changes. An 'in_period' one counts what happened on any day from `start`
  to `end`.
- The structure is as it was (as-was): the units under `unit` on `end`, so a figure of a
  district federation is its own, even in the year it is merged away.
- Members of the non-state sector (khu vực ngoài nhà nước) are those whose employer in the
  enterprise registry is non-state domestic, foreign-invested (FDI) or a cooperative: every
  kind of ownership but state and "other". Members with no registry employer are not counted.
  Ownership is not dated: the employer's ownership today counts at every date.

Everything is read through the selectors and models of members, enterprises and org; each
calculator is one or two set-based queries.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from congdoan.enterprises import selectors as enterprise_selectors
from congdoan.enterprises.models import NON_STATE_SECTOR
from congdoan.members import selectors as member_selectors
from congdoan.members.models import LEAVING_REASONS, Membership
from congdoan.org import forest as org_forest
from congdoan.org import selectors as org_selectors
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import OrgEvent, Unit, UnitVersion

AS_WAS = member_selectors.AS_WAS
AT_DATE, IN_PERIOD = "at_date", "in_period"
PEOPLE, UNITS, PERCENT = "people", "units", "percent"
_JOINING = (Membership.StartReason.ADMITTED, Membership.StartReason.READMITTED)


@dataclass(frozen=True)
class Calculator:
    code: str
    label: str
    measure: str  # people | units | percent
    kind: str  # at_date | in_period
    function: Callable[..., Decimal | None]

    def compute(
        self, unit: Unit, start: dt.date, end: dt.date, *, min_workers: int | None = None
    ) -> Decimal | None:
        """The value for `unit` over start–end (both included); at_date ones: on `end`."""
        return self.function(unit, start, end, min_workers=min_workers)


def _members_counted(unit: Unit, on: dt.date) -> QuerySet[Membership]:
    units = member_selectors.units_counted_under(unit, on, AS_WAS)
    return member_selectors.spans_on(on).filter(unit__in=units)


def members(unit: Unit, start: dt.date, end: dt.date, **_options) -> Decimal:
    """Members on `end` (suspended members count), as count_members gives them."""
    return Decimal(member_selectors.count_members(unit=unit, on=end, structure=AS_WAS).members)


def members_joined(unit: Unit, start: dt.date, end: dt.date, **_options) -> Decimal:
    """People admitted or re-admitted into a union under `unit` from `start` to `end`.

    The same rule as member_movements().joined, but with `end` included and the units
    under `unit` on `end` (member_movements takes an end excluded, and its units on that
    next day, which may already be a new structure).
    """
    units = member_selectors.units_counted_under(unit, end, AS_WAS)
    spans = Membership.objects.filter(
        unit__in=units, start__gte=start, start__lte=end, start_reason__in=_JOINING
    )
    return Decimal(spans.count())


def members_left(unit: Unit, start: dt.date, end: dt.date, **_options) -> Decimal:
    """People whose membership ended (retired, left the job, withdrew, expelled, died, union
    dissolved) in a union under `unit` from `start` to `end`; transfers are not leaving."""
    units = member_selectors.units_counted_under(unit, end, AS_WAS)
    spans = Membership.objects.filter(
        unit__in=units, end__gte=start, end__lte=end, end_reason__in=LEAVING_REASONS
    )
    return Decimal(spans.count())


def members_non_state(unit: Unit, start: dt.date, end: dt.date, **_options) -> Decimal:
    """Members on `end` whose registry employer is in the non-state sector."""
    spans = _members_counted(unit, end).filter(member__enterprise__ownership__in=NON_STATE_SECTOR)
    return Decimal(spans.count())


def grassroots_units(unit: Unit, start: dt.date, end: dt.date, **_options) -> Decimal:
    """Grassroots unions and guilds under `unit` (itself included) on `end`."""
    nodes = org_selectors.subtree_as_of(unit, end)
    return Decimal(sum(node.kind in MEMBER_HOLDING for node in nodes))


def grassroots_founded(unit: Unit, start: dt.date, end: dt.date, **_options) -> Decimal:
    """Grassroots unions and guilds founded from `start` to `end` under `unit` as it stood
    on their founding day.

    Founded means created as a new unit: units that a merger or split produced, or that
    became grassroots by a change of kind, are reorganisations, not growth.
    """
    return Decimal(sum(unit.pk in lineage for lineage in _founded(start, end)))


def grassroots_founded_under(
    unit_ids: set[int], start: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """grassroots_founded() of many units at once: the period's unions read once."""
    counts = dict.fromkeys(unit_ids, 0)
    for lineage in _founded(start, end):
        for unit_id in lineage & counts.keys():
            counts[unit_id] += 1
    return {unit_id: Decimal(count) for unit_id, count in counts.items()}


_founded_memo: dict[tuple, list[frozenset[int]]] = {}


def _founded(start: dt.date, end: dt.date) -> list[frozenset[int]]:
    """For each union founded from `start` to `end`: itself and the units above it on its
    founding day. Kept per period and reorganisation: a progress page asks it for a unit
    and each unit under it."""
    key = (start, end, org_forest.revision())
    if key in _founded_memo:
        return _founded_memo[key]
    founded = UnitVersion.objects.filter(
        valid_from__gte=start,
        valid_from__lte=end,
        unit__starts_on__gte=start,
        unit__starts_on__lte=end,
        event__kind=OrgEvent.Kind.CREATE,
        kind__in=MEMBER_HOLDING,
    ).values_list("unit_id", "valid_from")
    lineages = list(org_selectors.lineages_on(founded).values())
    if len(_founded_memo) > 32:
        _founded_memo.clear()
    _founded_memo[key] = lineages
    return lineages


def enterprise_coverage(
    unit: Unit, start: dt.date, end: dt.date, *, min_workers: int | None = None, **_options
) -> Decimal | None:
    """Percent of operating enterprises with at least `min_workers` workers (the setting
    ENTERPRISES_MIN_WORKERS by default) under `unit` on `end` that have a grassroots union;
    None when no enterprise is eligible. Not rounded: callers quantize."""
    figures = enterprise_selectors.coverage(
        unit=unit, on=end, min_workers=min_workers, structure=AS_WAS
    )
    if not figures.eligible:
        return None
    return Decimal(100 * figures.with_union) / Decimal(figures.eligible)


CALCULATORS: dict[str, Calculator] = {
    calculator.code: calculator
    for calculator in (
        Calculator("members", _("Members at the date"), PEOPLE, AT_DATE, members),
        Calculator(
            "members_joined", _("New members in the period"), PEOPLE, IN_PERIOD, members_joined
        ),
        Calculator(
            "members_left", _("Members who left in the period"), PEOPLE, IN_PERIOD, members_left
        ),
        Calculator(
            "grassroots_units", _("Grassroots unions at the date"), UNITS, AT_DATE, grassroots_units
        ),
        Calculator(
            "grassroots_founded",
            _("Grassroots unions founded in the period"),
            UNITS,
            IN_PERIOD,
            grassroots_founded,
        ),
        Calculator(
            "enterprise_coverage",
            _("Enterprises with a union (% of operating enterprises with enough workers)"),
            PERCENT,
            AT_DATE,
            enterprise_coverage,
        ),
        Calculator(
            "members_non_state",
            _("Members in the non-state sector at the date"),
            PEOPLE,
            AT_DATE,
            members_non_state,
        ),
    )
}
