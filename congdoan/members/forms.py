"""Forms of the member pages: they read and check input; members.services does the change."""

import datetime as dt
import hashlib
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import Scope
from congdoan.core.codes import clean_tax_code
from congdoan.core.text import nfc
from congdoan.enterprises.models import Enterprise
from congdoan.members import errors, selectors
from congdoan.members.models import LEAVING_REASONS, ContractTerm, Gender, Member, Membership
from congdoan.org.forms import DayField
from congdoan.org.models import Unit

STALE = _(
    "This member's record has changed since you opened this form (someone else changed it). "
    "Reload the page to see the changes, then try again."
)
BIRTH_INVALID = _("“%(value)s” is neither a date (dd/mm/yyyy) nor a year of birth.")
UNIT_CHOICE_INVALID = _("Choose a grassroots union from the list.")
UNIT_NOT_FOUND = _("No unit in your scope has the code “%(code)s”.")
TRANSFER_CODE_UNKNOWN = _("No living grassroots union has the code “%(code)s”.")
ENTERPRISE_NOT_FOUND = _(
    "No enterprise with tax code %(tax_code)s is in the registry; leave the field empty and "
    "write the employer's name."
)
YEAR_INVALID = _("Write the year with four digits, e.g. 2015.")
EDIT_REASON_REQUIRED = _("Say why the details change, e.g. “typing error” or the document.")
LEAVE_REASON_REQUIRED = _("Choose why the membership ends.")

# Which field a service error belongs to, by its code; the others go above the form.
FIELD_OF_CODE = {
    "name_required": "full_name",
    "gender_required": "gender",
    "birth_required": "born",
    "birth_year_mismatch": "born",
    "birth_in_future": "born",
    "cccd_format": "national_id",
    "cccd_province": "national_id",
    "cccd_gender": "national_id",
    "cccd_year": "national_id",
    "national_id_taken": "national_id",
    "card_taken": "card_number",
    "date_required": "on",
    "date_in_future": "on",
    "date_before_birth": "on",
    "date_before_span": "on",
    "same_unit": "to_unit",
    "transfer_pending": "to_code",
    "destination_required": "away_to",
    "leave_reason_invalid": "reason",
    "manages_employer": "manages_employer",
    "foreign_contract_unknown": "contract_term",
    "foreign_contract_short": "contract_months",
    "foreign_too_early": "nationality",
    "contract_months_required": "contract_months",
    "contract_months_without_term": "contract_months",
}


def member_token(member: Member) -> str:
    """A digest of what a form about `member` is drawn from: their spans and details."""
    spans = (
        Membership.objects.filter(member=member)
        .order_by("pk")
        .values_list("pk", "unit_id", "status", "start", "end", "end_reason")
    )
    updated = Member.objects.filter(pk=member.pk).values_list("updated_at", flat=True).first()
    return hashlib.sha256(repr((list(spans), updated)).encode()).hexdigest()[:20]


class BirthField(DayField):
    """A date of birth, or the year alone when that is all the papers say."""

    widget = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"})
    default_error_messages = {"invalid": BIRTH_INVALID}

    def to_python(self, value) -> dt.date | int | None:
        if isinstance(value, int) or re.fullmatch(r"\s*\d{4}\s*", str(value or "")):
            return int(value)
        return super().to_python(value)

    def prepare_value(self, value):
        return str(value) if isinstance(value, int) else super().prepare_value(value)


class ServiceErrorsMixin:
    """Puts a service's ValidationError beside the field it is about."""

    #: The national ID another person already has, when the service said so.
    taken_national_id = ""

    def add_service_error(self, error: ValidationError) -> None:
        for item in error.error_list:
            field = FIELD_OF_CODE.get(item.code)
            self.add_error(field if field in self.fields else None, item)
            if item.code == "national_id_taken":
                self.taken_national_id = item.params["national_id"]

    def fieldsets(self) -> list[tuple[str | None, list]]:
        """(legend, bound fields) groups; a None legend draws no frame."""
        return [(None, self.visible_fields())]


class PersonForm(ServiceErrorsMixin, forms.Form):
    """A person's details, as members.services.register_member and update_member take them."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, error_messages={"required": errors.NAME_REQUIRED}
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect,
        error_messages={"required": errors.GENDER_REQUIRED},
    )
    born = BirthField(
        label=_("Date of birth"),
        help_text=_("dd/mm/yyyy; or only the year if the date is not known."),
        error_messages={"required": errors.BIRTH_REQUIRED},
    )
    national_id = forms.CharField(
        label=_("National ID number (CCCD)"), max_length=20, required=False,
        help_text=_("12 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    card_number = forms.CharField(label=_("Union card number"), max_length=30, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    employer_name = forms.CharField(label=_("Employer"), max_length=255, required=False)
    employer_tax_code = forms.CharField(
        label=_("Employer's tax code"), max_length=20, required=False,
        help_text=_("Links the member to the enterprise in the registry, if it is there."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    education_level = forms.CharField(label=_("General education"), max_length=50, required=False)
    professional_level = forms.CharField(
        label=_("Professional level"), max_length=100, required=False
    )
    nationality = forms.CharField(
        label=_("Nationality"), max_length=2, initial="VN",
        help_text=_("Two-letter country code: VN for Vietnam."),
    )
    ethnicity = forms.CharField(
        label=_("Ethnicity"), max_length=50, required=False,
        help_text=_("Sensitive personal data: only those who keep this union's records see it."),
    )
    religion = forms.CharField(label=_("Religion"), max_length=50, required=False)
    contract_term = forms.ChoiceField(
        label=_("Labour contract"), required=False,
        choices=[("", _("Not recorded")), *ContractTerm.choices],
        help_text=_("Foreign workers may join with an indefinite term or at least 12 months."),
    )
    contract_months = forms.IntegerField(
        label=_("Contract length (months)"), required=False, min_value=1, max_value=600,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    manages_employer = forms.BooleanField(
        label=_("Owner or manager of a non-state enterprise or cooperative"), required=False,
        help_text=_("They may not be admitted to the union."),
    )

    PERSON_FIELDS = (
        "full_name", "gender", "national_id", "card_number", "phone", "employer_name",
        "employer_tax_code", "contract_term", "contract_months", "manages_employer",
        "education_level", "professional_level", "nationality", "ethnicity", "religion",
    )

    def clean(self):
        data = super().clean()
        term, months = data.get("contract_term"), data.get("contract_months")
        if term == ContractTerm.FIXED and months is None:
            self.add_error("contract_months", errors.CONTRACT_MONTHS_REQUIRED)
        elif term != ContractTerm.FIXED and months is not None:
            self.add_error("contract_months", errors.CONTRACT_MONTHS_WITHOUT_TERM)
        return data

    def clean_employer_tax_code(self):
        text = self.cleaned_data["employer_tax_code"]
        if not text.strip():
            return None
        try:
            tax_code = clean_tax_code(text)
        except ValidationError as error:
            raise ValidationError(error.messages[0], code="tax_code") from None
        enterprise = Enterprise.objects.filter(tax_code=tax_code).first()
        if enterprise is None:
            raise ValidationError(ENTERPRISE_NOT_FOUND, code="enterprise_not_found",
                                  params={"tax_code": tax_code})
        return enterprise

    def person(self) -> dict:
        """The cleaned details as keyword arguments of the member services."""
        data = {name: self.cleaned_data[name] for name in self.PERSON_FIELDS}
        data["enterprise"] = data.pop("employer_tax_code")
        born = self.cleaned_data["born"]
        data["birth_date"] = born if isinstance(born, dt.date) else None
        data["birth_year"] = born if isinstance(born, int) else None
        return data

    def person_fieldset(self):
        return (_("The person"), [self[name] for name in ("full_name", "gender", "born")]
                + [self[name] for name in self.PERSON_FIELDS[2:]])


class NewMemberForm(PersonForm):
    unit = forms.ModelChoiceField(
        label=_("Grassroots union"), queryset=Unit.objects.none(),
        error_messages={"invalid_choice": UNIT_CHOICE_INVALID},
    )
    on = DayField(label=_("Admitted on"), help_text=_("The date of the admission decision."))
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False,
        help_text=_("E.g. the number of the admission decision."),
    )
    # Shown (by members/_duplicate_warning.html) only when possible duplicates were found.
    different_person = forms.BooleanField(
        label=_("This is a different person; register anyway"), required=False,
    )
    # A digest of the possible duplicates shown: ticking covers those, not any found since.
    duplicates_seen = forms.CharField(widget=forms.HiddenInput, required=False)

    #: (member, standing span, whether the user may open their page) of each possible
    #: duplicate found on submitting, for the warning (see warn_duplicates).
    duplicates = ()

    def __init__(self, data=None, *, scope: Scope):
        super().__init__(data)
        self.scope = scope
        units = selectors.units_for_data_entry(scope)
        self.fields["unit"].queryset = units
        if len(choices := units[:2]) == 1:
            self.fields["unit"].initial = choices[0].pk

    def fieldsets(self):
        admission = [self[name] for name in ("unit", "on", "note")]
        return [(_("Admission"), admission), self.person_fieldset()]

    @staticmethod
    def _digest(members) -> str:
        pks = sorted(member.pk for member in members)
        return hashlib.sha256(repr(pks).encode()).hexdigest()[:20]

    def confirms_different(self, found) -> bool:
        """The box is ticked and the warning showed exactly these possible duplicates."""
        return bool(self.cleaned_data["different_person"]) and (
            self.cleaned_data["duplicates_seen"] == self._digest(found)
        )

    def warn_duplicates(self, found) -> None:
        """Draw the form again with the warning listing `found`; the box must be ticked anew.

        Those whose page the user may not open are shown by where, not who.
        """
        spans = selectors.standing_spans(found)
        self.duplicates = [
            (member, spans.get(member.pk),
             self.scope.contains(getattr(spans.get(member.pk), "unit", None)))
            for member in found
        ]
        self.data = self.data.copy()
        self.data["duplicates_seen"] = self._digest(found)
        self.data.pop("different_person", None)


class MemberForm(ServiceErrorsMixin, forms.Form):
    """A form about one member: carries the token that catches a record changed meanwhile."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, member: Member, scope: Scope, initial=None):
        super().__init__(data, initial=initial)
        self.member, self.scope = member, scope
        self.token = member_token(member)
        self.fields["version"].initial = self.token

    def clean(self):
        if self.is_bound and self.data.get("version") != self.token:
            raise ValidationError(STALE, code="stale")
        return super().clean()


class EditForm(MemberForm, PersonForm):
    joined_on = DayField(
        label=_("Joined the union on"), required=False,
        help_text=_("The first admission, even if it was before the records kept here."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=500,
        error_messages={"required": EDIT_REASON_REQUIRED},
    )

    def __init__(self, data=None, *, member: Member, scope: Scope):
        initial = {
            name: getattr(member, name) for name in self.PERSON_FIELDS
            if name != "employer_tax_code"
        }
        initial["employer_tax_code"] = member.enterprise.tax_code if member.enterprise else ""
        initial["born"] = member.birth_date or member.birth_year
        initial["joined_on"] = member.joined_on
        super().__init__(data, member=member, scope=scope, initial=initial)

    def person(self) -> dict:
        return {**super().person(), "joined_on": self.cleaned_data["joined_on"]}

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"])

    def fieldsets(self):
        legend, fields = self.person_fieldset()
        return [(legend, [*fields, self["joined_on"]]), (None, [self["reason"]])]


class OperationForm(MemberForm):
    """A change of membership from a date, with a note (e.g. the decision behind it)."""

    on = DayField(label=_("Effective date"))
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False,
        help_text=_("E.g. the number and date of the decision."),
    )


class TransferForm(OperationForm):
    """Where to: a union whose records the user keeps (moved at once), any other union by
    its code (it is asked, and accepts or declines), or a union outside this system.
    """

    to_unit = forms.ModelChoiceField(
        label=_("To a grassroots union you keep records of"), queryset=Unit.objects.none(),
        required=False, error_messages={"invalid_choice": UNIT_CHOICE_INVALID},
    )
    to_code = forms.CharField(
        label=_("Or the code of another grassroots union"), max_length=40, required=False,
        help_text=_("That union is asked to accept; the member stays here until it does."),
    )
    away_to = forms.CharField(
        label=_("Or a union outside this system"), max_length=300, required=False,
        help_text=_("E.g. a union in another province: the membership here ends, with where to."),
    )
    field_order = ["to_unit", "to_code", "away_to", "on", "note"]

    def __init__(self, data=None, *, member: Member, scope: Scope):
        super().__init__(data, member=member, scope=scope)
        self.fields["to_unit"].queryset = selectors.units_for_data_entry(scope)

    def clean_to_code(self) -> Unit | None:
        code = nfc(self.cleaned_data["to_code"]).upper()
        if not code:
            return None
        unit = selectors.member_holding_units().filter(code=code).first()
        if unit is None:
            raise ValidationError(TRANSFER_CODE_UNKNOWN, code="unit_not_found",
                                  params={"code": code})
        return unit

    def clean(self):
        data = super().clean()
        given = [name for name in ("to_unit", "to_code", "away_to") if data.get(name)]
        if len(given) != 1 and not self.errors:
            raise ValidationError(errors.TRANSFER_ONE_DESTINATION, code="one_destination")
        return data

    def destination(self) -> Unit | str:
        """A union of the system, or the words naming one outside it."""
        data = self.cleaned_data
        return data["to_unit"] or data["to_code"] or nfc(data["away_to"])


class ReadmitForm(OperationForm):
    unit = forms.ModelChoiceField(
        label=_("Grassroots union"), queryset=Unit.objects.none(),
        error_messages={"invalid_choice": UNIT_CHOICE_INVALID},
    )
    field_order = ["unit", "on", "note"]

    def __init__(self, data=None, *, member: Member, scope: Scope):
        super().__init__(data, member=member, scope=scope)
        units = selectors.units_for_data_entry(scope)
        self.fields["unit"].queryset = units
        last = selectors.standing_span(member)
        if last is not None and units.filter(pk=last.unit_id).exists():
            self.fields["unit"].initial = last.unit_id


class LeaveForm(OperationForm):
    reason = forms.ChoiceField(
        label=_("Why the membership ends"),
        choices=[("", "—")] + [
            (value, label) for value, label in Membership.EndReason.choices
            if value in LEAVING_REASONS
        ],
        error_messages={"required": LEAVE_REASON_REQUIRED},
    )
    field_order = ["reason", "on", "note"]


class SuspendForm(OperationForm):
    pass


class ResumeForm(OperationForm):
    pass


class FilterForm(forms.Form):
    """The filters of the member list (GET); the unit is a code, checked against the scope."""

    q = forms.CharField(label=_("Name, national ID or card number"), required=False)
    unit = forms.CharField(
        label=_("Unit code"), required=False,
        help_text=_("Includes the units under it."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[
            ("", _("Members today")),
            (Membership.Status.ACTIVE, _("Active")),
            (Membership.Status.SUSPENDED, _("Suspended")),
            (selectors.LEFT, _("Left the union")),
        ],
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Any")), *Gender.choices]
    )
    joined = forms.IntegerField(
        label=_("Joined in"), required=False, min_value=1900, max_value=2200,
        error_messages={"invalid": YEAR_INVALID, "min_value": YEAR_INVALID,
                        "max_value": YEAR_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "yyyy"}),
    )
    age = forms.ChoiceField(
        label=_("Age"), required=False,
        choices=[("", _("Any")), ("under30", _("under 30")), ("30-45", _("30–44")),
                 ("45-60", _("45–59")), ("60plus", _("60 and over"))],
    )

    def __init__(self, data=None, *, scope: Scope):
        super().__init__(data)
        self.scope = scope

    def clean_unit(self) -> Unit | None:
        code = nfc(self.cleaned_data["unit"]).upper()
        if not code:
            return None
        unit = self.scope.units().filter(code=code).first()
        if unit is None:
            raise ValidationError(UNIT_NOT_FOUND, code="unit_not_found", params={"code": code})
        return unit

    def filters(self) -> dict:
        """The cleaned filters as keyword arguments of selectors.find_members."""
        data = self.cleaned_data
        return {
            "text": data["q"], "unit": data["unit"], "status": data["status"],
            "gender": data["gender"], "joined_year": data["joined"], "age_band": data["age"],
        }
