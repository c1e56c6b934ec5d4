"""Target pages of one plan: the editable grid, the split wizard and a target's history.

The grid posts every cell the user changed at once with one reason; target_services.set_targets
saves all or nothing and refuses the lot when a target changed since the page was loaded
(each editable cell carries the value it showed in a hidden o-<unit>-<period> field).
"""

import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.accounts.scope import scope_for
from congdoan.org.models import Unit
from congdoan.plans import errors, forms, rules, selectors, split, target_services
from congdoan.plans.models import Measure, Target
from congdoan.plans.templatetags.targets_tags import canonical, figure, gap

CELL = re.compile(r"^c-(\d+)-(\d+)$")
SAVED = _("Targets saved: %(count)s.")
NOTHING_CHANGED = _("No target was changed: edit a cell first.")
NOT_ON_GRID = _("These cells are not on your grid of targets.")
NOT_WHOLE_STEPS = _(
    "A split needs a total in whole steps of %(step)s (whole people or units; hundredths "
    "for percentages): %(total)s is not."
)
SPLIT_SAVED = _("Targets saved for units under %(unit)s: %(count)s.")
SPLIT_MISMATCH = _(
    "Their targets add up to %(sum)s: %(gap)s against the target of %(unit)s (%(total)s)."
)


def _indicator(plan, code: str | None):
    indicators = plan.indicators.order_by("code")
    if code:
        return get_object_or_404(indicators, code=code)
    # Without a choice, the indicator the plan has split furthest: usually its headline one.
    counts = Count("targets", filter=Q(targets__plan=plan))
    return indicators.annotate(n=counts).order_by("-n", "code").first()


def _grid_url(plan, indicator) -> str:
    url = reverse("plans:targets", args=[plan.code])
    return f"{url}?{urlencode({'indicator': indicator.code})}" if indicator else url


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:  # a tampered field: the stale check compares it with None
        return None


def _read_cells(post, grid) -> tuple[list, dict, dict]:
    """The changes typed into the grid, the cells that are not numbers, and every cell
    posted (key → its text) so the page can show what was typed."""
    rows = {row.unit.pk: row for row in grid.rows}
    periods = {p.pk: p for p in grid.periods}
    changes, bad, typed, foreign = [], {}, {}, []
    for name, text in post.items():
        match = CELL.match(name)
        if not match:
            continue
        unit_id, period_id = int(match[1]), int(match[2])
        key = target_services.cell_key(unit_id, period_id)
        if unit_id not in rows or period_id not in periods:
            foreign.append(key)
            continue
        typed[key] = text
        expected = _decimal(post.get(f"o-{key}", ""))
        try:
            value = forms.parse_number(text)
        except ValueError:
            bad[key] = [forms.NUMBER_INVALID % {"value": text}]
            continue
        if value == expected:
            continue
        changes.append(
            target_services.CellChange(
                unit=rows[unit_id].unit, period=periods[period_id], value=value, expected=expected
            )
        )
    if foreign:
        raise PermissionDenied(NOT_ON_GRID)
    return changes, bad, typed


@require_http_methods(["GET", "POST"])
def targets(request, code: str):
    scope = scope_for(request.user)
    plan = selectors.plan_for(scope, code)
    indicator = _indicator(plan, request.GET.get("indicator") or request.POST.get("indicator"))
    grid = selectors.editable_grid(plan, indicator, scope) if indicator else None
    form = forms.GridForm(request.POST if request.method == "POST" else None)
    cell_errors, typed = {}, {}
    if form.is_bound:
        if grid is None or not grid.editable:
            raise PermissionDenied
        changes, cell_errors, typed = _read_cells(request.POST, grid)
        if form.is_valid() and not cell_errors:
            try:
                saved = target_services.set_targets(
                    actor=request.user,
                    scope=scope,
                    plan=plan,
                    indicator=indicator,
                    changes=changes,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    cell_errors = error.message_dict
                else:
                    form.add_error(None, error)
            else:
                if changes:
                    messages.success(request, SAVED % {"count": len(saved)})
                    return redirect(_grid_url(plan, indicator))
                form.add_error(None, NOTHING_CHANGED)
        if cell_errors:
            form.add_error(None, errors.TARGET_CELLS_REFUSED % {"count": len(cell_errors)})
    if grid is not None:
        for row in grid.rows:
            for cell in row.cells:
                cell.key = target_services.cell_key(row.unit.pk, cell.period.pk)
                cell.shown = typed.get(cell.key, figure(cell.value))
                cell.errors = cell_errors.get(cell.key, [])
                cell.changed = cell.key in typed and typed[cell.key] != figure(cell.value)
                # A refused page keeps the values the user first saw, so saving it again
                # after someone else's change is refused again until they reload.
                cell.original = request.POST.get(f"o-{cell.key}", canonical(cell.value))
    return render(
        request,
        "plans/targets.html",
        {
            "plan": plan,
            "tab": "targets",
            "indicator": indicator,
            "indicators": plan.indicators.order_by("code"),
            "grid": grid,
            "form": form,
            "cell_errors": cell_errors,
        },
    )


# --- the split wizard ----------------------------------------------------------------------


def _split_values(post, inputs) -> tuple[dict, dict, dict]:
    """The children's typed targets: unit id → value (blanks left out), errors, texts."""
    values, bad, typed = {}, {}, {}
    for row in inputs:
        text = post.get(f"v-{row.unit.pk}", "")
        typed[row.unit.pk] = text
        try:
            value = forms.parse_number(text)
        except ValueError:
            bad[row.unit.pk] = forms.NUMBER_INVALID % {"value": text}
            continue
        if value is not None:
            values[row.unit.pk] = value
    return values, bad, typed


@require_http_methods(["GET", "POST"])
def split_wizard(request, code: str):
    scope = scope_for(request.user)
    plan = selectors.plan_for(scope, code)
    query = request.POST if request.method == "POST" else request.GET
    indicator = get_object_or_404(plan.indicators, code=query.get("indicator", ""))
    period = get_object_or_404(plan.periods, pk=query.get("period") or 0)
    unit = get_object_or_404(Unit, code=query.get("unit", ""))
    if not selectors.sees_unit(scope, unit):
        raise Http404(unit.code)
    if not rules.may_split(scope, plan, unit.pk):
        raise PermissionDenied
    parent_target = (
        Target.objects.filter(plan=plan, indicator=indicator, unit=unit, period=period)
        .values_list("value", flat=True)
        .first()
    )
    step = Decimal("0.01") if indicator.measure == Measure.PERCENT else split.ONE
    chosen = "method" in query
    if chosen and "total" not in query and parent_target is not None:
        # A link that names only the method splits the unit's own target.
        query = query.copy()
        query["total"] = figure(parent_target)
    form = forms.SplitForm(
        query if chosen else None,
        initial={"method": "members", "total": figure(parent_target)},
    )
    inputs = selectors.split_inputs(plan, indicator, unit, period)
    proposals, typed, bad, reason_error = None, {}, {}, ""
    if chosen and form.is_valid():
        method, total = form.cleaned_data["method"], form.cleaned_data["total"]
        if method != "hand" and total is None:
            form.add_error("total", errors.VALUE_REQUIRED)
        else:
            try:
                proposals = selectors.proposals(method, total or 0, inputs, step=step)
            except ValueError:
                form.add_error(
                    "total", NOT_WHOLE_STEPS % {"step": figure(step), "total": figure(total)}
                )
    if proposals is not None and request.method == "POST":
        values, bad, typed = _split_values(request.POST, inputs)
        reason = request.POST.get("reason", "").strip()
        if not reason:
            reason_error = forms.REASON_REQUIRED
        elif not values and not bad:
            form.add_error(None, errors.NO_TARGET_GIVEN)
        elif not bad:
            try:
                result = target_services.apply_split(
                    actor=request.user,
                    scope=scope,
                    plan=plan,
                    indicator=indicator,
                    parent_unit=unit,
                    period=period,
                    values=values,
                    reason=reason,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _tell_split(request, unit, result)
                return redirect(_grid_url(plan, indicator))
    rows = [
        {
            "input": row,
            "proposal": proposal,
            "shown": typed.get(row.unit.pk, figure(proposal.proposed if proposal else None)),
            "error": bad.get(row.unit.pk, ""),
        }
        for row, proposal in zip(inputs, proposals or [None] * len(inputs), strict=True)
    ]
    return render(
        request,
        "plans/split.html",
        {
            "plan": plan,
            "tab": "targets",
            "indicator": indicator,
            "period": period,
            "unit": unit,
            "form": form,
            "parent_target": parent_target,
            "rows": rows,
            "step": step,
            "proposed": proposals is not None,
            "reason": request.POST.get("reason", ""),
            "reason_error": reason_error,
            "grid_url": _grid_url(plan, indicator),
        },
    )


def _tell_split(request, unit, result) -> None:
    messages.success(request, SPLIT_SAVED % {"count": len(result.targets), "unit": unit.name})
    if result.mismatch:
        messages.warning(
            request,
            SPLIT_MISMATCH
            % {
                "sum": figure(result.total - result.mismatch),
                "gap": gap(result.mismatch),
                "unit": unit.name,
                "total": figure(result.total),
            },
        )


# --- a target's history --------------------------------------------------------------------


@require_GET
def history(request, code: str, pk: int):
    scope = scope_for(request.user)
    plan = selectors.plan_for(scope, code)
    target = selectors.target_for(scope, plan, pk)
    return render(
        request,
        "plans/target_history.html",
        {
            "plan": plan,
            "tab": "targets",
            "target": target,
            "changes": selectors.target_history(target),
            "grid_url": _grid_url(plan, target.indicator),
        },
    )
