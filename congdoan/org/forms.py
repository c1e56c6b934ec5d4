"""Forms of the reorganisations: they read and check input; org.services does the change."""

import datetime as dt
import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congdoan.core.dates import format_date, parse_date
from congdoan.core.text import nfc
from congdoan.org import errors, services
from congdoan.org.kinds import ALLOWED_PARENTS, UnitKind, may_be_child
from congdoan.org.models import Unit, UnitVersion, path_ids

DATE_INVALID = _("“%(value)s” is not a valid date; write it as dd/mm/yyyy, e.g. 01/07/2025.")
REASON_REQUIRED = _("Give the reason, e.g. the number and date of the decision.")
STALE = _(
    "This unit has changed since you opened this form (someone else reorganised it). "
    "Reload the page to see the changes, then try again."
)
PART_LINE_INVALID = _("Line %(line)s: write each resulting unit as CODE = Name.")
PARENT_CHOICE_INVALID = _(
    "Choose a unit from the list. A unit cannot be moved under itself or under a unit "
    "inside it."
)
SOURCE_CHOICE_INVALID = _("Choose units from the list: %(value)s is not one of them.")
# Split forms name the select of each child unit after it: child__<code>.
ASSIGN_PREFIX = "child__"


def revision_token(unit: Unit) -> str:
    """A digest of what a form about `unit` is drawn from: its versions and its children's.

    Any reorganisation of the unit, or of a unit joining or leaving it, changes the digest.
    """
    rows = (
        UnitVersion.objects.filter(Q(unit=unit) | Q(parent=unit))
        .order_by("pk")
        .values_list("pk", "valid_from", "valid_to", "parent_id", "name", "kind")
    )
    state = repr((list(rows), unit.ends_on, unit.successor_id))
    return hashlib.sha256(state.encode()).hexdigest()[:20]


class DayField(forms.Field):
    """A date as clerks write it: dd/mm/yyyy, also yyyy-mm-dd."""

    widget = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"})
    default_error_messages = {"required": errors.DATE_REQUIRED, "invalid": DATE_INVALID}

    def to_python(self, value) -> dt.date | None:
        try:
            return parse_date(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def prepare_value(self, value):
        return format_date(value) if isinstance(value, dt.date) else value


class ReorganisationForm(forms.Form):
    """Effective date, reason and the token that catches a unit changed meanwhile."""

    effective_on = DayField(label=_("Effective date"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The decision or document behind the change (number, date, issuer)."),
        error_messages={"required": REASON_REQUIRED},
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    #: The operation's own fields, shown before the date and the reason.
    field_order_first: list[str] = []

    def __init__(self, data=None, *, unit: Unit, scope):
        super().__init__(data)
        self.unit, self.scope = unit, scope
        self.token = revision_token(unit)
        self.fields["version"].initial = self.token
        self.order_fields([*self.field_order_first, "effective_on", "reason"])

    def main_fields(self):
        """The visible fields other than a split's per-child assignments."""
        return [f for f in self.visible_fields() if not f.name.startswith(ASSIGN_PREFIX)]

    def clean_effective_on(self) -> dt.date:
        return services.check_effective_date(self.cleaned_data["effective_on"])

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"])

    def clean(self):
        if self.is_bound and self.data.get("version") != self.token:
            raise ValidationError(STALE, code="stale")
        return super().clean()


class CreateChildForm(ReorganisationForm):
    field_order_first = ["code", "name", "kind"]
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("A short code that never changes, e.g. ST-CT-001."),
        error_messages={"required": errors.CODE_REQUIRED},
    )
    name = forms.CharField(
        label=_("Name"), max_length=255, error_messages={"required": errors.NAME_REQUIRED}
    )
    kind = forms.ChoiceField(label=_("Kind"))

    def __init__(self, data=None, *, unit: Unit, scope):
        super().__init__(data, unit=unit, scope=scope)
        kinds = [
            (key, label)
            for key, label in UnitKind.choices
            if may_be_child(child_kind=key, parent_kind=unit.kind)
        ]
        self.fields["kind"].choices = kinds
        if UnitKind.GRASSROOTS in dict(kinds):
            self.fields["kind"].initial = UnitKind.GRASSROOTS


class RenameForm(ReorganisationForm):
    field_order_first = ["name"]
    name = forms.CharField(
        label=_("New name"), max_length=255, error_messages={"required": errors.NAME_REQUIRED}
    )

    def __init__(self, data=None, *, unit: Unit, scope):
        super().__init__(data, unit=unit, scope=scope)
        self.fields["name"].initial = unit.name


class MoveForm(ReorganisationForm):
    field_order_first = ["parent"]
    parent = forms.ModelChoiceField(
        label=_("New parent unit"),
        queryset=Unit.objects.none(),
        error_messages={"invalid_choice": PARENT_CHOICE_INVALID},
    )

    def __init__(self, data=None, *, unit: Unit, scope):
        super().__init__(data, unit=unit, scope=scope)
        self.fields["parent"].queryset = (
            scope.units()
            .filter(is_active=True, kind__in=ALLOWED_PARENTS.get(unit.kind) or ())
            .exclude(path__startswith=unit.path)
            .exclude(pk=unit.parent_id)
            .order_by("name", "code")
        )


class MergeForm(ReorganisationForm):
    field_order_first = ["sources"]
    sources = forms.ModelMultipleChoiceField(
        label=_("Units to merge into this one"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They end the day before the effective date; the units under them move here."
        ),
        error_messages={
            "required": errors.MERGE_NEEDS_SOURCES,
            "invalid_choice": SOURCE_CHOICE_INVALID,
        },
    )

    def __init__(self, data=None, *, unit: Unit, scope):
        super().__init__(data, unit=unit, scope=scope)
        above = path_ids(unit.path)
        units = scope.units().filter(is_active=True, kind=unit.kind).exclude(pk__in=above)
        if not scope.is_everything:
            # A manager reorganises what is under their unit, not the unit itself.
            units = units.exclude(pk=scope.unit.pk)
        self.fields["sources"].queryset = units.order_by("name", "code")


def parse_parts(text: str, *, strict: bool = True) -> list[tuple[str, str]]:
    """Lines of "CODE = Name" as (CODE, Name); blank lines are skipped."""
    parts = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        code, sep, name = line.partition("=")
        code, name = nfc(code).upper(), nfc(name)
        if not (sep and code and name):
            if strict:
                raise ValidationError(PART_LINE_INVALID, code="part_line", params={"line": number})
            continue
        parts.append((code, name))
    return parts


class SplitForm(ReorganisationForm):
    field_order_first = ["parts"]
    parts = forms.CharField(
        label=_("Resulting units"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "ST-001A = …\nST-001B = …"}),
        help_text=_(
            "One line per resulting unit: CODE = Name. Write this unit's own code on a line "
            "to keep it (with that name); otherwise it ends and the first line carries its "
            "history on."
        ),
        error_messages={"required": errors.SPLIT_NEEDS_PARTS},
    )
    def __init__(self, data=None, *, unit: Unit, scope):
        super().__init__(data, unit=unit, scope=scope)
        parts = parse_parts(self.data.get("parts", ""), strict=False)
        choices = [("", _("— the first resulting unit —"))]
        choices += [(code, f"{code} – {name}") for code, name in parts]
        self.children = list(unit.current_children.filter(is_active=True).order_by("name"))
        for child in self.children:
            self.fields[ASSIGN_PREFIX + child.code] = forms.ChoiceField(
                label=str(child), choices=choices, required=False
            )

    def clean_parts(self) -> list[tuple[str, str]]:
        parts = parse_parts(self.cleaned_data["parts"])
        if len(parts) < 2:
            raise ValidationError(errors.SPLIT_NEEDS_PARTS, code="split_needs_parts")
        return parts

    def assignment_fields(self):
        return [self[ASSIGN_PREFIX + child.code] for child in self.children]

    @staticmethod
    def assignments_from(data: dict) -> dict[str, str]:
        """{child code: part code} from cleaned data, for split_unit's `assignments`."""
        return {
            name.removeprefix(ASSIGN_PREFIX): value
            for name, value in data.items()
            if name.startswith(ASSIGN_PREFIX) and value
        }


class DissolveForm(ReorganisationForm):
    pass
