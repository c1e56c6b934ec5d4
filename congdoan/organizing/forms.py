"""Forms of the organizing pages: they read and check input; organizing.services changes."""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import MANAGE_ROLES, Scope
from congdoan.core.dates import today
from congdoan.members.forms import BirthField
from congdoan.members.models import Gender
from congdoan.org.forms import DayField
from congdoan.org.models import Unit
from congdoan.organizing import errors, rules
from congdoan.organizing.models import Case

STALE = _(
    "This case has changed since you opened this page (someone else changed it). "
    "Reload the page to see the changes, then try again."
)
OWNER_CHOICE_INVALID = _("Choose a unit from the list.")

# Which field a service error belongs to, by its code; the others go above the form.
FIELD_OF_CODE = {
    "date_required": ("on", "applied_on", "decision_date", "opened_on"),
    "date_in_future": ("on", "applied_on", "decision_date", "opened_on"),
    "date_before_last": ("on",),
    "reason_required": ("reason",),
    "next_step_required": ("next_step",),
    "due_before_opened": ("next_step_due",),
    "name_required": ("full_name", "union_name"),
    "gender_required": ("gender",),
    "birth_required": ("born",),
    "birth_in_future": ("born",),
    "too_young": ("born",),
    "cccd_format": ("national_id",),
    "cccd_province": ("national_id",),
    "cccd_gender": ("national_id",),
    "cccd_year": ("national_id",),
    "applicant_twice": ("national_id",),
    "decision_number_required": ("decision_number",),
    "decision_before_congress": ("decision_date",),
    "enterprise_not_operating": ("decision_date", "opened_on"),
    "code_taken": ("union_code",),
    "code_invalid": ("union_code",),
    "name_taken": ("union_name",),
    "owner_required": ("owner",),
    "owner_not_upper_level": ("owner",),
    "owner_outside_scope": ("owner",),
}


def case_token(case: Case) -> str:
    """A digest of what a form about `case` is drawn from. Every service that changes the
    case or its applicants touches `updated_at`, so reading the row is enough."""
    state = repr((case.pk, case.updated_at, case.stage, case.state))
    return hashlib.sha256(state.encode()).hexdigest()[:20]


class ServiceErrorsMixin:
    """Puts a service's ValidationError beside the field it is about."""

    def add_service_error(self, error: ValidationError) -> None:
        for item in error.error_list:
            fields = FIELD_OF_CODE.get(item.code, ())
            field = next((f for f in fields if f in self.fields), None)
            self.add_error(field, item)


class CaseForm(ServiceErrorsMixin, forms.Form):
    """A form about one case: carries the token that catches a case changed meanwhile."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, case: Case, initial=None, prefix=None):
        super().__init__(data, initial=initial, prefix=prefix)
        self.case = case
        self.token = case_token(case)
        self.fields["version"].initial = self.token

    def clean(self):
        if self.is_bound and self.data.get(self.add_prefix("version")) != self.token:
            raise ValidationError(STALE, code="stale")
        return super().clean()


class MoveForm(CaseForm):
    """One step forward or back, from the board or the case's page."""

    on = DayField(label=_("Date"), required=False, help_text=_("Empty: today."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_on(self):
        return self.cleaned_data["on"] or today()


class StateForm(CaseForm):
    on = DayField(label=_("Date"))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, data=None, *, case: Case, prefix=None):
        super().__init__(data, case=case, initial={"on": today()}, prefix=prefix)


class NextStepForm(CaseForm):
    next_step = forms.CharField(label=_("Next step"), max_length=500, required=False)
    next_step_due = DayField(label=_("Due date"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, case: Case):
        initial = {"next_step": case.next_step, "next_step_due": case.next_step_due,
                   "notes": case.notes}  # fmt: skip
        super().__init__(data, case=case, initial=initial)


class ApplicantForm(CaseForm):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, error_messages={"required": errors.NAME_REQUIRED}
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect,
        error_messages={"required": errors.GENDER_REQUIRED},
    )  # fmt: skip
    born = BirthField(
        label=_("Date of birth"), help_text=_("dd/mm/yyyy; or only the year."),
        error_messages={"required": errors.BIRTH_REQUIRED},
    )  # fmt: skip
    national_id = forms.CharField(
        label=_("National ID number (CCCD)"), max_length=20, required=False,
        help_text=_("12 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    position = forms.CharField(label=_("Job"), max_length=200, required=False)
    applied_on = DayField(label=_("Application signed on"))

    def __init__(self, data=None, *, case: Case):
        super().__init__(data, case=case, initial={"applied_on": today()})

    def person(self) -> dict:
        data = self.cleaned_data
        born = data["born"]
        return {
            "full_name": data["full_name"],
            "gender": data["gender"],
            "birth_date": None if isinstance(born, int) else born,
            "birth_year": born if isinstance(born, int) else None,
            "national_id": data["national_id"],
            "phone": data["phone"],
            "position": data["position"],
            "applied_on": data["applied_on"],
        }


class RecogniseForm(CaseForm):
    decision_number = forms.CharField(
        label=_("Number of the recognition decision"), max_length=100, required=False
    )
    decision_date = DayField(label=_("Date of the decision"))
    union_code = forms.CharField(
        label=_("Code of the new union"), max_length=40, required=False,
        help_text=_("Empty: the next free code under the unit in charge."),
    )  # fmt: skip
    union_name = forms.CharField(
        label=_("Name of the new union"), max_length=255, required=False,
        help_text=_("Empty: “CĐCS” and the enterprise's name."),
    )  # fmt: skip


class OpenCaseForm(ServiceErrorsMixin, forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Upper-level union in charge"), queryset=Unit.objects.none(),
        error_messages={"required": errors.OWNER_REQUIRED,
                        "invalid_choice": OWNER_CHOICE_INVALID},
    )  # fmt: skip
    opened_on = DayField(label=_("Opened on"))
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False,
        help_text=_("E.g. how the enterprise was found: survey, tip, labour inspection."),
    )  # fmt: skip

    def __init__(self, data=None, *, scope: Scope, enterprise):
        owners = owners_for(scope)
        initial = {"opened_on": today()}
        if owners.filter(pk=enterprise.area_unit_id).exists():
            initial["owner"] = enterprise.area_unit_id
        super().__init__(data, initial=initial)
        self.fields["owner"].queryset = owners


def owners_for(scope: Scope):
    """Living upper-level units the user may run cases for (found unions under)."""
    # The queryset form of Scope.can_place_under.
    units = scope.units().filter(is_active=True, kind__in=rules.OWNER_KINDS)
    if not scope.is_everything and scope.role not in MANAGE_ROLES:
        return units.none()
    return units.order_by("path")
