"""The dashboard's question (GET): which plan, unit, day, structure and headline indicator.

Plan and unit are codes the view looks up within the user's sight (404 outside it, as on
every page); a date or structure that cannot be read is shown beside its field and the
default is used instead, so a mistyped date never costs the user the page.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from congdoan.analytics.selectors import AS_WAS, CURRENT
from congdoan.org.forms import DayField
from congdoan.plans.models import Indicator, Plan

INDICATOR_NOT_IN_PLAN = _("“%(code)s” is not an indicator of this plan; showing %(shown)s.")


class DashboardForm(forms.Form):
    plan = forms.CharField(label=_("Plan"), required=False, widget=forms.Select)
    unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    as_of = DayField(label=_("As of"), required=False)
    structure = forms.ChoiceField(
        label=_("Structure"),
        required=False,
        choices=[(AS_WAS, _("As it was then")), (CURRENT, _("Restated to today's"))],
    )
    indicator = forms.CharField(label=_("Chart of"), required=False, widget=forms.Select)

    def __init__(self, data=None, *, plans: list[Plan]):
        super().__init__(data)
        self.fields["plan"].widget.choices = [(p.code, f"{p.title} ({p.code})") for p in plans]

    def set_indicators(self, indicators: list[Indicator]) -> None:
        self.fields["indicator"].widget.choices = [(i.code, i.name) for i in indicators]

    def value(self, name: str, default=None):
        """The cleaned value of `name`, or `default` when it is blank or could not be read."""
        data = getattr(self, "cleaned_data", {})
        value = data.get(name)
        return default if value in (None, "") else value
