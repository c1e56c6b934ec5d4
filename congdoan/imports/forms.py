"""The forms of the import pages: the upload and the confirmation."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from congdoan.imports import specs

EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")
#: Options a kind cannot run without.
REQUIRED_OPTIONS = {"targets": ("plan",)}
OPTION_FIELDS = ("plan", "indicator", "unit")


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, specs.get_spec(kind).title) for kind in specs.kinds()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=kind_choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx, .xls), OpenDocument (.ods) or CSV (.csv)."),
    )
    plan = forms.CharField(
        label=_("Plan code"), required=False, max_length=40,
        help_text=_("Targets: the plan the targets belong to."),
    )  # fmt: skip
    indicator = forms.CharField(
        label=_("Indicator"), required=False, max_length=100,
        help_text=_("Targets: when the sheet's columns name only periods, the indicator."),
    )  # fmt: skip
    unit = forms.CharField(
        label=_("Grassroots union code"), required=False, max_length=40,
        help_text=_("Members: the union of the rows that give no union code."),
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(
                _("Choose an Excel (.xlsx, .xls), OpenDocument (.ods) or CSV (.csv) file."),
                code="extension",
            )
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        accepted = specs.get_spec(kind).options
        for name in OPTION_FIELDS:
            if data.get(name) and name not in accepted:
                self.add_error(name, _("This kind of file does not use this option."))
        for name in REQUIRED_OPTIONS.get(kind, ()):
            if not data.get(name):
                self.add_error(name, _("This kind of file needs this option."))
        return data

    def options(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name].strip()
            for name in OPTION_FIELDS
            if self.cleaned_data.get(name)
        }


class ConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=_("Skip the invalid rows and import the others"),
        required=False,
        help_text=_("Otherwise nothing is written while any row is rejected."),
    )
