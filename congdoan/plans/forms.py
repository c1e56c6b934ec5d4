"""Forms of the plan pages: they read and check input; plans.services changes.

Numbers are typed as people write them in the page's language (`parse_number`).
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import Scope
from congdoan.org.forms import DayField
from congdoan.plans import errors
from congdoan.plans.calculators import CALCULATORS
from congdoan.plans.models import (
    Aggregation,
    Direction,
    Indicator,
    Measure,
    Period,
    Plan,
    PlanDocument,
    Source,
)

REASON = _("Reason")
REASON_REQUIRED = _("Say why: the reason is kept with every change of a target.")
NUMBER_INVALID = _("“%(value)s” is not a number (e.g. 1.200 or 12,5).")
UNIT_NOT_FOUND = _("No unit in your scope has the code “%(code)s”.")

# Which field a service error belongs to, by its code; the others go above the form.
FIELD_OF_CODE = {
    "code_invalid": "code",
    "code_taken": "code",
    "code_reserved": "code",
    "name_required": "name",
    "title_required": "title",
    "dates_required": "starts_on",
    "dates_out_of_order": "ends_on",
    "dates_cut_periods": "starts_on",
    "indicator_has_targets": "indicators",
    "outside_scope": "owner",
    "label_required": "label",
    "period_label_taken": "label",
    "period_outside_plan": "starts_on",
    "document_type": "file",
    "document_too_big": "file",
    "calculator_required": "calculator",
    "calculator_unknown": "calculator",
    "formula_required": "formula",
    "formula_unknown_codes": "formula",
    "formula_syntax": "formula",
    "formula_cycle": "formula",
    "formula_unsafe": "formula",
    "ratio_parts_required": "numerator",
    "ratio_parts_same": "denominator",
    "ratio_part_not_summed": "numerator",
    "status_same": "status",
    "status_step": "status",
    "value_required": "total",
    "value_invalid": "total",
    "value_negative": "total",
}


def _grouped(text: str, sep: str) -> bool:
    """`text` is digits grouped by threes with `sep` (1.200, 12.345.678)."""
    return re.fullmatch(r"\d{1,3}(" + re.escape(sep) + r"\d{3})+", text) is not None


def parse_number(text: str, language: str | None = None) -> Decimal | None:
    """A number as typed in the page's language; None when blank.

    Vietnamese writes 1.200,5 and English 1,200.5. When both marks appear, the last one is
    the decimal mark. A lone mark of the language's thousands kind counts as a thousands
    separator only when it splits the digits into groups of three ("1.200" is 1200 in
    Vietnamese); otherwise it is taken as a decimal mark ("12.5" is 12.5 in any language),
    so a percentage typed either way keeps its decimals. Spaces are ignored.
    Raises ValueError for text that is not a number.
    """
    language = (language or get_language() or "vi")[:2]
    thousands, decimal = (".", ",") if language == "vi" else (",", ".")
    raw = str(text)
    text = re.sub(r"[\s\u00a0\u202f]", "", raw)
    if not text:
        return None
    sign = ""
    if text[0] in "+-":
        sign, text = text[0].replace("+", ""), text[1:]
    if "." in text and "," in text:
        mark = "." if text.rfind(".") > text.rfind(",") else ","
        other = "," if mark == "." else "."
        whole, _sep, fraction = text.rpartition(mark)
        if not _grouped(whole, other) and not whole.isdigit():
            raise ValueError(raw)
        text = whole.replace(other, "") + "." + fraction
    elif thousands in text:
        text = (
            text.replace(thousands, "")
            if _grouped(text, thousands)
            else text.replace(thousands, ".")
        )
    else:
        text = text.replace(decimal, ".")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", text):
        raise ValueError(raw)
    try:
        return Decimal(sign + text)
    except InvalidOperation:
        raise ValueError(raw) from None


class NumberField(forms.CharField):
    """A number as typed in the page's language (see parse_number)."""

    def __init__(self, **options):
        options.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**options)

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_number(value)
        except ValueError:
            raise ValidationError(
                NUMBER_INVALID, code="number_invalid", params={"value": value}
            ) from None


class ServiceErrorsMixin:
    """Puts a service's ValidationError beside the field it is about."""

    def add_service_error(self, error: ValidationError) -> None:
        for item in error.error_list:
            field = FIELD_OF_CODE.get(item.code)
            self.add_error(field if field in self.fields else None, item)


def _reason(required: bool = False, label=None) -> forms.CharField:
    return forms.CharField(
        label=label or REASON,
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history with who changed what and when."),
        error_messages={"required": REASON_REQUIRED},
    )


def _indicator_choices():
    return forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PlanEditForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=500, error_messages={"required": errors.TITLE_REQUIRED}
    )
    starts_on = DayField(label=_("Starts on"))
    ends_on = DayField(label=_("Ends on"))
    indicators = _indicator_choices()
    reason = _reason()

    def __init__(self, data=None, *, scope: Scope, plan: Plan | None = None):
        initial = None
        if plan is not None:
            initial = {
                "title": plan.title,
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "indicators": list(plan.indicators.all()),
            }
        super().__init__(data, initial=initial)
        self.scope, self.plan = scope, plan


class PlanForm(PlanEditForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        help_text=_("Short and unique, used in the plan's address, e.g. PTDV-2023."),
    )
    owner = forms.CharField(
        label=_("Owner unit code"),
        max_length=40,
        help_text=_("The unit whose plan it is: yours or one under it."),
    )
    field_order = ["code", "title", "owner", "starts_on", "ends_on", "indicators", "reason"]

    def __init__(self, data=None, *, scope: Scope):
        super().__init__(data, scope=scope)
        if scope.unit is not None:
            self.fields["owner"].initial = scope.unit.code

    def clean_owner(self):
        code = self.cleaned_data["owner"].strip().upper()
        unit = self.scope.units().filter(code=code).first()
        if unit is None:
            raise ValidationError(UNIT_NOT_FOUND, code="unit_not_found", params={"code": code})
        return unit


class PeriodForm(ServiceErrorsMixin, forms.Form):
    label = forms.CharField(
        label=_("Label"), max_length=40, help_text=_("E.g. 2022, or 2022–2023 for a phase.")
    )
    kind = forms.ChoiceField(label=_("Year or phase"), choices=Period.Kind.choices)
    starts_on = DayField(label=_("Starts on"))
    ends_on = DayField(label=_("Ends on"))
    reason = _reason()


class DocumentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF or Word (.pdf, .doc, .docx, .odt), at most 20 MB.")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("E.g. Nghị quyết số 05-NQ/LĐLĐ; the file's name when left empty."),
    )
    kind = forms.ChoiceField(
        label=_("Document kind"),
        choices=PlanDocument.Kind.choices,
        initial=PlanDocument.Kind.RESOLUTION,
    )
    reason = _reason()


class StatusForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Plan.Status.choices)
    reason = _reason()


class IndicatorEditForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=300, error_messages={"required": errors.NAME_REQUIRED}
    )
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    aggregation = forms.ChoiceField(label=_("Aggregation"), choices=Aggregation.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    calculator = forms.ChoiceField(
        label=_("Calculator"),
        required=False,
        help_text=_("For computed indicators: the built-in calculation."),
    )
    formula = forms.CharField(
        label=_("Formula"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For formula indicators: other indicators' codes, e.g. DV_MOI - DV_GIAM."),
    )
    numerator = forms.ModelChoiceField(
        label=_("Numerator"), queryset=Indicator.objects.order_by("code"), required=False
    )
    denominator = forms.ModelChoiceField(
        label=_("Denominator"), queryset=Indicator.objects.order_by("code"), required=False
    )
    min_workers = forms.IntegerField(
        label=_("Minimum workers"),
        required=False,
        min_value=0,
        help_text=_("For coverage: enterprises with at least this many workers, e.g. 20."),
    )
    reason = _reason()

    def __init__(self, data=None, *, indicator: Indicator | None = None):
        initial = None
        if indicator is not None:
            initial = {
                name: getattr(indicator, name)
                for name in (
                    "name", "measure", "direction", "aggregation", "source", "calculator",
                    "formula", "numerator", "denominator", "min_workers",
                )
            }  # fmt: skip
        super().__init__(data, initial=initial)
        self.fields["calculator"].choices = [("", "—")] + [
            (code, calculator.label) for code, calculator in CALCULATORS.items()
        ]
        if indicator is not None:
            others = Indicator.objects.exclude(pk=indicator.pk).order_by("code")
            self.fields["numerator"].queryset = others
            self.fields["denominator"].queryset = others

    def details(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "reason"}


class IndicatorForm(IndicatorEditForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits and underscores, e.g. DV_MOI; formulas use it."),
    )
    field_order = ["code", "name"]


class GridForm(forms.Form):
    """The grid's reason; the cells are read by the view from c-<unit>-<period> fields."""

    reason = _reason(required=True, label=_("Reason for the changes"))


class SplitForm(ServiceErrorsMixin, forms.Form):
    """The wizard's first step: how to split and what total."""

    method = forms.ChoiceField(
        label=_("Method"),
        widget=forms.RadioSelect,
        choices=[
            ("members", _("In proportion to current members")),
            ("potential", _("In proportion to the potential (workers not yet members)")),
            ("growth", _("The same growth rate for every unit")),
            ("hand", _("By hand")),
        ],
        initial="members",
    )
    total = NumberField(
        label=_("Total to split"),
        required=False,
        help_text=_("The parent's target unless you change it; not needed to split by hand."),
    )

    def clean_total(self):
        total = self.cleaned_data["total"]
        if total is not None and total < 0:
            raise ValidationError(errors.VALUE_NEGATIVE, code="value_negative",
                                  params={"value": total})  # fmt: skip
        return total
