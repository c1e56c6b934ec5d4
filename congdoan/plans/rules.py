"""The plans' invariants and who may change what; each check raises a coded ValidationError."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from congdoan.accounts.scope import MANAGE_ROLES, Scope
from congdoan.core.dates import format_date
from congdoan.core.errors import fail
from congdoan.org.models import Unit, path_ids
from congdoan.plans import errors
from congdoan.plans.models import Aggregation, Indicator, Period, Plan, Source

CENT = Decimal("0.01")
# A plan's code is the last part of its pages' addresses (/plans/<code>/): the words the
# pages use themselves cannot be codes, nor can slashes or spaces.
PLAN_CODE_RE = re.compile(r"^\w[\w.-]*$")
RESERVED_PLAN_CODES = frozenset({"new", "indicators", "reported"})
STATUS_STEPS = {Plan.Status.DRAFT: Plan.Status.IN_FORCE, Plan.Status.IN_FORCE: Plan.Status.CLOSED}


def check_choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        fail(errors.CHOICE_INVALID, f"{field}_invalid", value=value, field=field)
    return value


def is_manager_of(scope: Scope, unit_id: int | None) -> bool:
    """A manager of the unit, or of the unit that carries it on once it has ended: a plan of
    2022 set by a district federation the 2025 reform dissolved is looked after by the
    union that took over its history (today's structure places the ended unit under it)."""
    if scope.role not in MANAGE_ROLES or scope.unit is None or unit_id is None:
        return False
    if scope.unit.pk == unit_id:
        return True
    found = Unit.objects.filter(pk=unit_id).values_list("is_active", "path").first()
    if found is None or found[0]:
        return False
    above = path_ids(found[1])[:-1]
    alive = dict(Unit.objects.filter(pk__in=above).values_list("pk", "is_active"))
    heir = next((pk for pk in reversed(above) if alive.get(pk)), None)
    return heir == scope.unit.pk


def check_formula(code: str, text: str) -> None:
    from congdoan.plans import formula  # only formula indicators need the parser

    parsed = formula.parse(text)
    codes = set(parsed.names)
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = sorted(codes - known - {code})
    if unknown:
        fail(errors.FORMULA_UNKNOWN_CODES, "formula_unknown_codes", codes=", ".join(unknown))
    definitions = dict(
        Indicator.objects.filter(source=Source.FORMULA).values_list("code", "formula")
    )
    definitions[code] = text
    formula.check_cycles(definitions)


def check_calculator(calculator: str) -> None:
    from congdoan.plans.calculators import CALCULATORS  # only computed ones need these

    if calculator not in CALCULATORS:
        fail(errors.CALCULATOR_UNKNOWN, "calculator_unknown", calculator=calculator)


def check_ratio_part(indicator: Indicator) -> None:
    if indicator.aggregation != Aggregation.SUM:
        fail(errors.RATIO_PARTS_NOT_SUMMED, "ratio_part_not_summed", indicator=indicator)


def check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is None or end is None:
        fail(errors.DATES_REQUIRED, "dates_required")
    if end < start:
        fail(
            errors.DATES_OUT_OF_ORDER,
            "dates_out_of_order",
            start=format_date(start),
            end=format_date(end),
        )


def check_upload(file, *, extensions: tuple[str, ...], max_mb: int, not_allowed, kind: str) -> str:
    """The file's name once its type and size are allowed; `kind` prefixes the error codes
    (document_type, attachment_too_big, …)."""
    name = Path(file.name or "").name
    if Path(name).suffix.lower() not in extensions:
        fail(not_allowed, f"{kind}_type", name=name, allowed=", ".join(extensions))
    if file.size > max_mb * 1024 * 1024:
        fail(errors.FILE_TOO_BIG, f"{kind}_too_big", name=name, limit=max_mb)
    return name


def check_manages_plan(plan: Plan, scope: Scope | None) -> None:
    if scope is not None and not scope.can_place_under(plan.owner):
        fail(errors.PLAN_OUTSIDE_SCOPE, "outside_scope", plan=plan, unit=plan.owner)


def clean_value(value) -> Decimal:
    if value is None or value == "":
        fail(errors.VALUE_REQUIRED, "value_required")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        fail(errors.VALUE_INVALID, "value_invalid", value=value)
    if number < 0:
        fail(errors.VALUE_NEGATIVE, "value_negative", value=value)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def check_plan_parts(plan: Plan, indicator: Indicator, period: Period) -> None:
    if plan.status == Plan.Status.CLOSED:
        fail(errors.PLAN_CLOSED, "plan_closed", plan=plan)
    if period.plan_id != plan.pk:
        fail(errors.PERIOD_NOT_OF_PLAN, "period_not_of_plan", period=period)
    if not plan.indicators.filter(pk=indicator.pk).exists():
        fail(errors.INDICATOR_NOT_IN_PLAN, "indicator_not_in_plan", indicator=indicator)


def parent_in_plan(plan: Plan, unit: Unit, on: dt.date, forest) -> int | None:
    """The id of the unit above `unit` on `on` (None for the owner); fails when `unit` is
    not the owner nor under it that day."""
    if unit.pk == plan.owner_id:
        return None
    if unit.pk not in set(forest.subtree_ids(plan.owner_id)):
        fail(
            errors.UNIT_OUTSIDE_PLAN,
            "unit_outside_plan",
            unit=unit,
            owner=plan.owner,
            date=format_date(on),
        )
    return forest.nodes[unit.pk].parent_id


def check_may_set(scope: Scope | None, plan: Plan, unit: Unit, parent_id, on: dt.date):
    """The owner's managers set the owner's target; the parent's managers (on `on`) set a
    child's; administrators and the system set any."""
    if scope is None or scope.is_everything:
        return
    setter_id = plan.owner_id if parent_id is None else parent_id
    if not is_manager_of(scope, setter_id):
        parent = Unit.objects.filter(pk=setter_id).first()
        fail(
            errors.TARGET_NOT_ALLOWED,
            "not_allowed",
            unit=unit,
            parent=parent or "—",
            date=format_date(on),
        )


def check_may_split(scope: Scope | None, parent: Unit, on: dt.date, units: list, children):
    """Only the parent's managers (or an administrator) split its target, and only among
    the units directly under it on `on`; `units` are Units, or ids of units that do not
    exist."""
    if scope is not None and not scope.is_everything and not is_manager_of(scope, parent.pk):
        fail(
            errors.TARGET_NOT_ALLOWED,
            "not_allowed",
            unit=units[0] if units else parent,
            parent=parent,
            date=format_date(on),
        )
    for unit in units:
        if getattr(unit, "pk", unit) not in children:
            fail(errors.NOT_A_CHILD, "not_a_child", unit=unit, parent=parent, date=format_date(on))


# --- additions for the plan pages -----------------------------------------------------------


def check_plan_code(code: str) -> None:
    if not PLAN_CODE_RE.match(code):
        fail(errors.PLAN_CODE_INVALID, "code_invalid", code=code)
    if code.lower() in RESERVED_PLAN_CODES:
        fail(errors.PLAN_CODE_RESERVED, "code_reserved", code=code)


def check_status_step(plan: Plan, status: str) -> None:
    """A plan moves forward one step at a time: draft → in force → closed."""
    check_choice(status, Plan.Status, "status")
    current = Plan.Status(plan.status).label
    if status == plan.status:
        fail(errors.PLAN_STATUS_SAME, "status_same", plan=plan, current=current)
    if STATUS_STEPS.get(plan.status) != status:
        fail(errors.PLAN_STATUS_STEP, "status_step", plan=plan, current=current)


def setter_of(plan: Plan, parent_id: int | None) -> int:
    """The unit whose managers set a target: the owner for its own, else the parent."""
    return plan.owner_id if parent_id is None else parent_id


def may_set(scope: Scope, plan: Plan, parent_id: int | None, *, manages=None) -> bool:
    """`check_may_set` as a question, for pages deciding which cells to open; `manages`
    (unit id → bool) stands in for is_manager_of, e.g. remembered across a grid's cells."""
    if plan.status == Plan.Status.CLOSED:
        return False
    manages = manages or (lambda unit_id: is_manager_of(scope, unit_id))
    return scope.is_everything or manages(setter_of(plan, parent_id))


def may_split(scope: Scope, plan: Plan, parent_id: int, *, manages=None) -> bool:
    manages = manages or (lambda unit_id: is_manager_of(scope, unit_id))
    return plan.status != Plan.Status.CLOSED and (scope.is_everything or manages(parent_id))


def may_define_indicators(scope: Scope | None) -> bool:
    return scope is None or scope.is_everything or scope.role in MANAGE_ROLES


def check_may_edit_indicator(scope: Scope | None, indicator: Indicator) -> None:
    """Who may define indicators may change one, unless a plan they do not manage uses it:
    its targets mean what the indicator says."""
    if not may_define_indicators(scope):
        fail(errors.NOT_ALLOWED_INDICATORS, "not_allowed")
    if scope is None or scope.is_everything:
        return
    for plan in indicator.plans.select_related("owner"):
        if not scope.can_place_under(plan.owner):
            fail(errors.INDICATOR_EDIT_NOT_ALLOWED, "not_allowed", indicator=indicator, plan=plan)
