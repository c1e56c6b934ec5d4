"""Forms of the pages where units report figures: which span, and the grid of figures.

They read and check input; plans.reporting writes.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from congdoan.core.dates import today
from congdoan.core.text import nfc
from congdoan.plans import reporting
from congdoan.plans.values import GridRow

YEAR_INVALID = _("Write a year such as 2023.")
CANNOT_EMPTY = _("A reported figure cannot be removed; enter the corrected figure instead.")
STALE = _(
    "The figures have changed since you opened this page (someone else saved them). "
    "Reload the page to see them, then try again."
)
NOTE_FOR = _("Note on the figure of %(unit)s")
QUARTERS = [
    ("", _("The whole year")),
    ("1", _("Quarter I")),
    ("2", _("Quarter II")),
    ("3", _("Quarter III")),
    ("4", _("Quarter IV")),
]


def figure_text(value: Decimal | None) -> str:
    """A stored figure as it is written back into an input: 12, 12,5 (no grouping)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


class SpanForm(forms.Form):
    """Which span the grid shows (GET): a year, or a quarter of it, and the unit on top."""

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": YEAR_INVALID,
            "min_value": YEAR_INVALID,
            "max_value": YEAR_INVALID,
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    quarter = forms.ChoiceField(label=_("Span"), required=False, choices=QUARTERS)
    unit = forms.CharField(label=_("Unit code"), required=False)

    def span(self) -> tuple[dt.date, dt.date]:
        """The span asked for; the previous year when nothing valid is asked."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or today().year - 1
        quarter = int(data.get("quarter") or 0)
        if not quarter:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        start = dt.date(year, 3 * quarter - 2, 1)
        following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        return start, following - dt.timedelta(days=1)

    def unit_code(self) -> str:
        return nfc(self.data.get("unit", "")).upper()


class EntryForm(forms.Form):
    """One input per unit of the grid, a note each, the figure as loaded (hidden, for the
    stale check) and one reason for all the corrections."""

    reason = forms.CharField(
        label=_("Reason for the corrections"),
        required=False,
        max_length=1000,
        help_text=_("Needed when a figure already reported changes."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data=None, *, rows: list[GridRow]):
        super().__init__(data)
        self.rows = rows
        self.changes: dict[int, dict] = {}
        for row in rows:
            pk, figure = row.unit.pk, row.figure
            loaded = figure_text(figure.value) if figure else ""
            self.fields[f"value_{pk}"] = forms.CharField(
                label=row.unit.name,
                required=False,
                initial=loaded,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=500,
                initial=figure.note if figure else "",
                widget=forms.TextInput(attrs={"aria-label": NOTE_FOR % {"unit": row.unit.name}}),
            )
            self.fields[f"was_{pk}"] = forms.CharField(
                required=False, initial=loaded, widget=forms.HiddenInput
            )

    def row_fields(self):
        """(row, value field, note field, hidden field) for the template."""
        return [
            (
                row,
                self[f"value_{row.unit.pk}"],
                self[f"note_{row.unit.pk}"],
                self[f"was_{row.unit.pk}"],
            )
            for row in self.rows
        ]

    def clean(self):
        data = super().clean()
        for row in self.rows:
            pk = row.unit.pk
            text, loaded = (data.get(f"value_{pk}") or "").strip(), data.get(f"was_{pk}") or ""
            note = nfc(data.get(f"note_{pk}") or "")
            if not text:
                if loaded.strip():
                    self.add_error(f"value_{pk}", CANNOT_EMPTY)
                continue
            try:
                figure = reporting.clean_figure(text)
                expected = reporting.clean_figure(loaded) if loaded.strip() else None
            except ValidationError as error:
                self.add_error(f"value_{pk}", error)
                continue
            stored_note = row.figure.note if row.figure else ""
            if figure != expected or note != stored_note:
                self.changes[pk] = {"value": figure, "note": note, "expected": expected}
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """Put the service's refusal beside the unit (or the reason) it is about."""
        for item in error.error_list:
            unit = (item.params or {}).get("unit")
            field = f"value_{unit.pk}" if getattr(unit, "pk", None) else None
            if item.code == "reason_required":
                field = "reason"
            elif item.code == "stale":
                self.add_error(None, STALE)
            self.add_error(field if field in self.fields else None, item)
