"""Forms of the enterprise pages: they read and check input; enterprises.services changes."""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import Scope
from congdoan.core.text import nfc
from congdoan.enterprises import errors
from congdoan.enterprises.models import Enterprise, Ownership, Status
from congdoan.org.forms import DayField
from congdoan.org.models import Unit

STALE = _(
    "This enterprise's record has changed since you opened this form (someone else changed "
    "it). Reload the page to see the changes, then try again."
)
UNIT_NOT_FOUND = _("No unit in your scope has the code “%(code)s”.")
NUMBER_INVALID = _("Write a whole number, e.g. 120.")
MIN_WORKERS_INVALID = _("Write a whole number of workers, 0 or more, e.g. 20.")

# Which field a service error belongs to, by its code; the others go above the form.
FIELD_OF_CODE = {
    "tax_code_format": "tax_code",
    "tax_code_check_digit": "tax_code",
    "tax_code_branch": "tax_code",
    "tax_code_taken": "tax_code",
    "name_required": "name",
    "area_required": "area",
    "area_not_upper_level": "area",
    "area_ended": "area",
    "outside_scope": "area",
    "ownership_invalid": "ownership",
    "status_invalid": "status",
    "status_unchanged": "status",
    "date_required": "on",
    "date_in_future": "on",
    "status_date_before_last": "on",
    "workers_required": "workers",
    "workers_negative": "workers",
    "union_outside_scope": "union",
    "not_member_holding": "union",
    "union_not_there": "union",
    "union_same": "union",
    "union_already": "union",
    "union_later_link": "on",
    "enterprise_dissolved": "on",
    "unlink_before_start": "on",
}


def enterprise_token(enterprise: Enterprise) -> str:
    """A digest of what a form about `enterprise` is drawn from: its details and dated rows."""
    state = (
        Enterprise.objects.filter(pk=enterprise.pk).values_list("updated_at", flat=True).first(),
        list(enterprise.headcounts.order_by("pk").values_list("pk", "as_of", "workers")),
        list(
            enterprise.status_periods.order_by("pk").values_list(
                "pk", "status", "valid_from", "valid_to"
            )
        ),
        list(
            enterprise.union_links.order_by("pk").values_list(
                "pk", "union_id", "valid_from", "valid_to"
            )
        ),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:20]


def _code_in_scope(scope: Scope, value: str) -> Unit | None:
    code = nfc(value).upper()
    if not code:
        return None
    unit = scope.units().filter(code=code).first()
    if unit is None:
        raise ValidationError(UNIT_NOT_FOUND, code="unit_not_found", params={"code": code})
    return unit


def _workers_field(**options) -> forms.IntegerField:
    # No min_value: a negative number reaches the service, whose message says what is wrong.
    return forms.IntegerField(
        label=_("Workers"),
        error_messages={"invalid": NUMBER_INVALID, "required": errors.WORKERS_REQUIRED},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **options,
    )


class ServiceErrorsMixin:
    """Puts a service's ValidationError beside the field it is about."""

    def add_service_error(self, error: ValidationError) -> None:
        for item in error.error_list:
            field = FIELD_OF_CODE.get(item.code)
            self.add_error(field if field in self.fields else None, item)


class DetailsForm(ServiceErrorsMixin, forms.Form):
    """Name, area unit, ownership, industry and address, as the services take them."""

    name = forms.CharField(
        label=_("Name"), max_length=255, error_messages={"required": errors.NAME_REQUIRED}
    )
    area = forms.CharField(
        label=_("Area unit code"),
        max_length=40,
        help_text=_(
            "The upper-level union whose area the enterprise lies in (district federation, "
            "industrial-zone union, commune union…), e.g. ST-TP."
        ),
        error_messages={"required": errors.AREA_REQUIRED},
    )
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices)
    industry = forms.CharField(label=_("Industry"), max_length=255, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)

    def __init__(self, data=None, *, scope: Scope | None = None, initial=None):
        # EditForm reaches here through EnterpriseForm, which sets the scope itself.
        super().__init__(data, initial=initial)
        self.scope = scope

    def clean_area(self) -> Unit | None:
        return _code_in_scope(self.scope, self.cleaned_data["area"])

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "area_unit": data["area"],
            "ownership": data["ownership"],
            "industry": data["industry"],
            "address": data["address"],
        }


class RegisterForm(DetailsForm):
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        help_text=_("10 digits, or 13 with a branch suffix: 0123456789-001."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    on = DayField(
        label=_("Operating since"),
        help_text=_("The date of its business registration, or the first date you know of."),
    )
    workers = _workers_field(required=False, help_text=_("Optional: the number today."))
    field_order = ["tax_code", "name", "area", "ownership", "industry", "address", "on"]

    def __init__(self, data=None, *, scope: Scope):
        unit = scope.unit
        initial = {"ownership": Ownership.NON_STATE}
        if unit is not None and not unit.holds_members and unit.is_active:
            initial["area"] = unit.code
        super().__init__(data, scope=scope, initial=initial)


class EnterpriseForm(ServiceErrorsMixin, forms.Form):
    """A form about one enterprise: carries the token that catches a record changed meanwhile."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, enterprise: Enterprise, scope: Scope, initial=None):
        super().__init__(data, initial=initial)
        self.enterprise, self.scope = enterprise, scope
        self.token = enterprise_token(enterprise)
        self.fields["version"].initial = self.token

    def clean(self):
        if self.is_bound and self.data.get("version") != self.token:
            raise ValidationError(STALE, code="stale")
        return super().clean()


class EditForm(EnterpriseForm, DetailsForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        required=False,
        help_text=_("E.g. “typing error”, or the document that says so."),
    )

    def __init__(self, data=None, *, enterprise: Enterprise, scope: Scope):
        initial = {
            "name": enterprise.name,
            "area": enterprise.area_unit.code,
            "ownership": enterprise.ownership,
            "industry": enterprise.industry,
            "address": enterprise.address,
        }
        super().__init__(data, enterprise=enterprise, scope=scope, initial=initial)


class HeadcountForm(EnterpriseForm):
    workers = _workers_field()
    on = DayField(label=_("Counted on"))
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_("E.g. social insurance list, labour report, the enterprise's letter."),
    )


class StatusForm(EnterpriseForm):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    on = DayField(label=_("From"))
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("E.g. the tax office's notice."),
    )


class LinkForm(EnterpriseForm):
    union = forms.CharField(
        label=_("Grassroots union code"),
        max_length=40,
        help_text=_("The code of the grassroots union in the enterprise, e.g. ST-TP-0012."),
    )
    on = DayField(label=_("From"), help_text=_("Usually the date of the recognition decision."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_union(self) -> Unit | None:
        return _code_in_scope(self.scope, self.cleaned_data["union"])


class UnlinkForm(EnterpriseForm):
    on = DayField(
        label=_("From"),
        help_text=_("The first day the union no longer covers the enterprise."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class FilterForm(forms.Form):
    """The filters of the enterprise list (GET); the unit is a code, checked against the scope."""

    q = forms.CharField(label=_("Name or tax code"), required=False)
    unit = forms.CharField(
        label=_("Area unit code"), required=False, help_text=_("Includes the units under it.")
    )
    ownership = forms.ChoiceField(
        label=_("Ownership"), required=False, choices=[("", _("Any")), *Ownership.choices]
    )
    status = forms.ChoiceField(
        label=_("Status today"), required=False, choices=[("", _("Any")), *Status.choices]
    )
    union = forms.ChoiceField(
        label=_("Grassroots union"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Has one")), ("no", _("Has none"))],
    )
    min_workers = forms.IntegerField(
        label=_("At least … workers"),
        required=False,
        min_value=0,
        error_messages={"invalid": MIN_WORKERS_INVALID, "min_value": MIN_WORKERS_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "20"}),
    )

    def __init__(self, data=None, *, scope: Scope):
        super().__init__(data)
        self.scope = scope

    def clean_unit(self) -> Unit | None:
        return _code_in_scope(self.scope, self.cleaned_data["unit"])

    def filters(self) -> dict:
        """The cleaned filters as keyword arguments of selectors.find_enterprises."""
        data = self.cleaned_data
        return {
            "text": data["q"],
            "unit": data["unit"],
            "ownership": data["ownership"],
            "status": data["status"],
            "has_union": {"yes": True, "no": False}.get(data["union"]),
            "min_workers": data["min_workers"],
        }


class CoverageForm(forms.Form):
    """The coverage page's question (GET): which unit, on which day, from how many workers."""

    unit = forms.CharField(label=_("Unit code"), required=False)
    as_of = DayField(label=_("As of"), required=False)
    min_workers = forms.IntegerField(
        label=_("Enterprises with at least … workers"),
        required=False,
        min_value=0,
        error_messages={"invalid": MIN_WORKERS_INVALID, "min_value": MIN_WORKERS_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, data=None, *, scope: Scope):
        super().__init__(data)
        self.scope = scope

    def clean_unit(self) -> Unit | None:
        return _code_in_scope(self.scope, self.cleaned_data["unit"])
