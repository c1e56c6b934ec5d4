"""Tags of the possible-duplicates pages: the link on the member list, the merge comparison."""

import datetime as dt

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from congdoan.accounts.scope import scope_for
from congdoan.core.codes import mask_cccd
from congdoan.core.dates import format_date
from congdoan.members import duplicates, merging, services
from congdoan.members.models import Member

register = template.Library()


@register.simple_tag(takes_context=True)
def duplicates_link(context) -> str:
    """The link “Possible duplicates (N open)” for those who review them; nothing for others."""
    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    if not duplicates.may_review(scope):
        return ""
    count = duplicates.reviewable_pairs(scope).count()
    label = ngettext(
        "Possible duplicates (%(count)s open)", "Possible duplicates (%(count)s open)", count
    ) % {"count": count}
    return format_html(
        '<a class="button secondary" href="{}" id="duplicates-link">{}</a>',
        reverse("members:duplicates"),
        label,
    )


def _show(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "national_id":
        return mask_cccd(value)
    field = Member._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


@register.simple_tag
def merge_rows(plan: merging.MergePlan) -> list[dict]:
    """Each detail of the two records and of the merged one, for the merge page.

    National IDs are masked; ethnicity and religion are shown, since only those who keep
    both records reach the page.
    """
    rows = []
    for name in services.PERSON_FIELDS:
        keep, drop = getattr(plan.keep, name), getattr(plan.drop, name)
        if keep in (None, "") and drop in (None, ""):
            continue
        rows.append(
            {
                "label": capfirst(Member._meta.get_field(name).verbose_name),
                "keep": _show(name, keep),
                "drop": _show(name, drop),
                "result": _show(name, plan.result(name)),
                "taken": name in plan.taken,
                "left_out": name in plan.not_taken,
            }
        )
    return rows
