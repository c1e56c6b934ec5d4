"""Forms of the possible-duplicates pages: they read and check input; members.duplicates acts."""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congdoan.core.text import nfc
from congdoan.members import duplicates, errors
from congdoan.members.forms import ServiceErrorsMixin
from congdoan.members.models import DuplicatePair, Membership

STALE = _(
    "One of the two records has changed since this page was drawn (someone else changed it). "
    "Reload the page to see them as they are now, then choose again."
)
KEEP_LABEL = _("Keep the record of %(member)s (no. %(pk)s)")


def pair_token(pair: DuplicatePair, lines: dict[int, list[Membership]] | None = None) -> str:
    """A digest of what a page about `pair` is drawn from: its status and both people.

    `lines` are the people's timelines when already read (duplicates.timelines).
    """
    people = (pair.first, pair.second)
    lines = lines if lines is not None else duplicates.timelines(people)
    state = [pair.status] + [
        (
            person.pk,
            person.updated_at,
            person.merged_into_id,
            [
                (s.pk, s.unit_id, s.status, s.start, s.end, s.start_reason, s.end_reason)
                for s in sorted(lines.get(person.pk, []), key=lambda span: span.pk)
            ],
        )
        for person in people
    ]
    return hashlib.sha256(repr(state).encode()).hexdigest()[:20]


class PairForm(ServiceErrorsMixin, forms.Form):
    """A decision about one pair: refused when the pair or either person changed meanwhile."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, pair: DuplicatePair, lines=None, initial=None):
        super().__init__(data, initial=initial)
        self.pair = pair
        self.token = pair_token(pair, lines)
        self.fields["version"].initial = self.token

    def clean(self):
        if self.pair.status != DuplicatePair.Status.OPEN:
            raise ValidationError(
                errors.PAIR_RESOLVED,
                code="pair_resolved",
                params={"status": self.pair.get_status_display()},
            )
        if self.is_bound and self.data.get("version") != self.token:
            raise ValidationError(STALE, code="stale")
        return super().clean()


class DistinctForm(PairForm):
    reason = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"])


class MergeForm(PairForm):
    keep = forms.TypedChoiceField(
        label=_("Which record to keep"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": errors.MERGE_KEEP_INVALID},
        help_text=_(
            "The other record's memberships move to the kept one, and its details fill the "
            "kept record's empty ones. Nothing is deleted."
        ),
    )
    reason = forms.CharField(
        label=_("Why they are one person"),
        max_length=500,
        error_messages={"required": errors.MERGE_REASON_REQUIRED},
        help_text=_("E.g. the papers checked, or who confirmed it."),
    )
    field_order = ["keep", "reason"]

    def __init__(self, data=None, *, pair: DuplicatePair, lines=None, keep: int | None = None):
        super().__init__(data, pair=pair, lines=lines, initial={"keep": keep})
        self.fields["keep"].choices = [
            (person.pk, KEEP_LABEL % {"member": person.full_name, "pk": person.pk})
            for person in (pair.first, pair.second)
        ]

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"])

    def add_service_error(self, error: ValidationError) -> None:
        for item in error.error_list:
            field = {"merge_reason_required": "reason", "merge_keep_invalid": "keep"}.get(item.code)
            self.add_error(field, item)
