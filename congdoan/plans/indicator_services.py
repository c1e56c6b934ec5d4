"""The only writers of indicators: defined once, checked the same way when corrected.

`scope=None` is the system; a user defines indicators as a manager or an administrator.
"""

import re

from django.db import transaction

from congdoan.accounts.scope import MANAGE_ROLES, Scope
from congdoan.core import audit
from congdoan.core.text import nfc
from congdoan.plans import errors, rules
from congdoan.plans.models import (
    Aggregation,
    Direction,
    Indicator,
    Measure,
    Source,
)

Action = audit.AuditEntry.Action
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
INDICATOR_FIELDS = (
    "code",
    "name",
    "measure",
    "direction",
    "aggregation",
    "source",
    "calculator",
    "formula",
    "numerator_id",
    "denominator_id",
    "min_workers",
)


# --- indicators ----------------------------------------------------------------------------


def _clean_definition(
    code, measure, direction, aggregation, source, calculator, formula, numerator, denominator,
    *, itself: Indicator | None = None,
):  # fmt: skip
    """Check how an indicator is measured, obtained and aggregated; return its calculator,
    formula, numerator and denominator with those that do not go with its source cleared."""
    for value, choices, field in (
        (measure, Measure, "measure"),
        (direction, Direction, "direction"),
        (aggregation, Aggregation, "aggregation"),
        (source, Source, "source"),
    ):
        rules.check_choice(value, choices, field)
    calculator, formula = (calculator or "").strip(), (formula or "").strip()
    # Only the field that goes with the source is kept: a stale formula on a reported
    # indicator would mislead whoever reads it later.
    if source == Source.COMPUTED:
        if not calculator:
            rules.fail(errors.CALCULATOR_REQUIRED, "calculator_required")
        rules.check_calculator(calculator)
        formula = ""
    elif source == Source.FORMULA:
        if not formula:
            rules.fail(errors.FORMULA_REQUIRED, "formula_required")
        rules.check_formula(code, formula)
        calculator = ""
    else:
        calculator = formula = ""
    if aggregation != Aggregation.RATIO:
        return calculator, formula, None, None
    if numerator is None or denominator is None:
        rules.fail(errors.RATIO_PARTS_REQUIRED, "ratio_parts_required")
    parts = {numerator.pk, denominator.pk}
    if len(parts) < 2 or (itself is not None and itself.pk in parts):
        rules.fail(errors.RATIO_PARTS_SAME, "ratio_parts_same")
    rules.check_ratio_part(numerator)
    rules.check_ratio_part(denominator)
    return calculator, formula, numerator, denominator


@transaction.atomic
def create_indicator(
    *,
    actor,
    code: str,
    name: str,
    measure: str,
    source: str,
    direction: str = Direction.HIGHER,
    aggregation: str = Aggregation.SUM,
    calculator: str = "",
    formula: str = "",
    numerator: Indicator | None = None,
    denominator: Indicator | None = None,
    min_workers: int | None = None,
    scope: Scope | None = None,
    reason: str = "",
) -> Indicator:
    """Define an indicator: computed by a built-in calculator, reported, or a formula."""
    if scope is not None and not (scope.is_everything or scope.role in MANAGE_ROLES):
        rules.fail(errors.NOT_ALLOWED_INDICATORS, "not_allowed")
    code, name = (code or "").strip(), nfc(name or "")
    if not CODE_RE.match(code):
        rules.fail(errors.CODE_INVALID, "code_invalid", code=code)
    if (other := Indicator.objects.filter(code__iexact=code).first()) is not None:
        rules.fail(errors.CODE_TAKEN, "code_taken", code=code, other=other)
    if not name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    calculator, formula, numerator, denominator = _clean_definition(
        code, measure, direction, aggregation, source, calculator, formula, numerator, denominator
    )
    indicator = Indicator.objects.create(
        code=code,
        name=name,
        measure=measure,
        direction=direction,
        aggregation=aggregation,
        source=source,
        calculator=calculator,
        formula=formula,
        numerator=numerator,
        denominator=denominator,
        min_workers=min_workers,
    )
    audit.record(
        actor=actor,
        obj=indicator,
        action=Action.CREATE,
        after=audit.snapshot(indicator, INDICATOR_FIELDS),
        reason=reason,
    )
    return indicator


@transaction.atomic
def update_indicator(
    *,
    actor,
    indicator: Indicator,
    name: str,
    measure: str,
    source: str,
    direction: str = Direction.HIGHER,
    aggregation: str = Aggregation.SUM,
    calculator: str = "",
    formula: str = "",
    numerator: Indicator | None = None,
    denominator: Indicator | None = None,
    min_workers: int | None = None,
    scope: Scope | None = None,
    reason: str = "",
) -> Indicator:
    """Correct an indicator; its code stays, since formulas name it. Checked as on creation."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    rules.check_may_edit_indicator(scope, indicator)
    name = nfc(name or "")
    if not name:
        rules.fail(errors.NAME_REQUIRED, "name_required")
    calculator, formula, numerator, denominator = _clean_definition(
        indicator.code, measure, direction, aggregation, source, calculator, formula,
        numerator, denominator, itself=indicator,
    )  # fmt: skip
    before = audit.snapshot(indicator, INDICATOR_FIELDS)
    indicator.name, indicator.measure, indicator.direction = name, measure, direction
    indicator.aggregation, indicator.source = aggregation, source
    indicator.calculator, indicator.formula = calculator, formula
    indicator.numerator, indicator.denominator = numerator, denominator
    indicator.min_workers = min_workers
    indicator.save()
    after = audit.snapshot(indicator, INDICATOR_FIELDS)
    if after != before:
        audit.record(
            actor=actor,
            obj=indicator,
            action=Action.UPDATE,
            before=before,
            after=after,
            reason=reason,
        )
    return indicator
