"""Member pages: the list of the user's scope, one member's page, and the forms that change them.

Every view starts from the user's scope (accounts.scope): members whose current membership
(or, for those who left, last membership) lies outside it are 404; members inside it whose
records the user may not keep are 403.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from congdoan.accounts.scope import Scope, scope_for
from congdoan.core import audit
from congdoan.members import duplicates, forms, merging, selectors, services, transfers
from congdoan.members.models import Member, Membership
from congdoan.members.templatetags import members_tags
from congdoan.org.models import Unit

# For each form: page title, button label, success message.
OPERATIONS = {
    "new": (_("Admit a new member"), _("Admit"), _("%(member)s has been admitted.")),
    "edit": (_("Correct the details of %(member)s"), _("Save"), _("%(member)s has been updated.")),
    "transfer": (
        _("Transfer %(member)s to another grassroots union"), _("Transfer"),
        _("%(member)s has been transferred."),
    ),
    "leave": (
        _("%(member)s leaves the union"), _("Record the leaving"),
        _("%(member)s is no longer a member."),
    ),
    "suspend": (
        _("Suspend the activity of %(member)s"), _("Suspend"), _("%(member)s is suspended."),
    ),
    "resume": (
        _("%(member)s resumes union activity"), _("Resume"), _("%(member)s is active again."),
    ),
    "readmit": (_("Re-admit %(member)s"), _("Re-admit"), _("%(member)s has been re-admitted.")),
}

TRANSFER_ASKED = _(
    "%(unit)s has been asked to accept %(member)s; the member stays here until it answers."
)
TRANSFERRED_AWAY = _("%(member)s has moved to %(destination)s; the membership here has ended.")


def may_keep_records(scope: Scope, span: Membership | None) -> bool:
    """May change the member and see their full national ID and sensitive data."""
    return scope.is_everything or (span is not None and scope.can_enter_data(span.unit))


@require_GET
def member_list(request):
    scope = scope_for(request.user)
    form = forms.FilterForm(request.GET, scope=scope)
    page = rows = None
    if form.is_valid():
        members = selectors.find_members(scope, **form.filters())
        page = selectors.member_page(members, after=request.GET.get("after", ""))
        spans = selectors.standing_spans(page.members)
        rows = [(member, spans.get(member.pk)) for member in page.members]
    query = request.GET.copy()
    query.pop("after", None)
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "members/list.html#results" if partial else "members/list.html", {
        "form": form,
        "rows": rows,
        "next_key": page and page.next_key,
        "is_first_page": "after" not in request.GET,
        "query": query.urlencode(),
        "may_admit": selectors.units_for_data_entry(scope).exists(),
        "incoming_transfers": selectors.incoming_transfers(scope).count(),
    })


def _detail_context(scope: Scope, member: Member, span: Membership | None, **extra) -> dict:
    entries = list(audit.history(member).select_related("actor")[:100])
    unit_ids = {
        (state or {}).get(key)
        for e in entries
        for state in (e.before, e.after)
        for key in members_tags.UNIT_KEYS
    }
    return {
        "member": member,
        "span": span,
        "timeline": selectors.member_timeline(member),
        "audit_entries": entries,
        # Names of the unions in the person's history, inside the scope or not, as in the
        # timeline: they are part of the person's record.
        "audit_units": Unit.objects.in_bulk([i for i in unit_ids if i]),
        "may_keep": may_keep_records(scope, span),
        "pending_transfer": transfers.pending_for(member),
        **extra,
    }


@require_GET
def detail(request, pk: int):
    scope = scope_for(request.user)
    if (kept := duplicates.kept_record(pk)) is not None:
        # Merged into another record: that one, if this user may open it.
        selectors.member_for(scope, kept.pk)
        return redirect("members:detail", kept.pk)
    member, span = selectors.member_for(scope, pk)
    return render(request, "members/detail.html", _detail_context(scope, member, span))


@require_POST
def reveal_national_id(request, pk: int):
    scope = scope_for(request.user)
    member, span = selectors.member_for(scope, pk)
    if not may_keep_records(scope, span):
        raise PermissionDenied
    services.record_national_id_view(actor=request.user, member=member)
    if request.htmx:
        return render(request, "members/detail.html#national_id", {
            "member": member, "may_keep": True, "revealed": True,
        })
    context = _detail_context(scope, member, span, revealed=True)
    return render(request, "members/detail.html", context)


# --- forms ---------------------------------------------------------------------------------


def _done(request, operation: str, member: Member, message=None):
    messages.success(request, message or OPERATIONS[operation][2] % {"member": member})
    url = reverse("members:detail", args=[member.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _form_page(request, scope: Scope, operation: str, form, member: Member | None = None):
    title, submit, _done_message = OPERATIONS[operation]
    existing = form.taken_national_id and selectors.visible_member_with_national_id(
        scope, form.taken_national_id
    )
    template = "members/operation.html#form" if request.htmx else "members/operation.html"
    return render(request, template, {
        "member": member, "form": form, "operation": operation, "existing": existing or None,
        "title": title % {"member": member}, "submit_label": submit,
        "suspend_months": settings.MEMBERS_SUSPEND_MAX_MONTHS,
    })


@require_http_methods(["GET", "POST"])
def new(request):
    scope = scope_for(request.user)
    if not selectors.units_for_data_entry(scope).exists():
        raise PermissionDenied
    form = forms.NewMemberForm(request.POST if request.method == "POST" else None, scope=scope)
    if form.is_bound and form.is_valid():
        data, person = form.cleaned_data, form.person()
        found = [member for member, _score in duplicates.candidates(
            full_name=person["full_name"], birth_date=person["birth_date"],
            birth_year=person["birth_year"], unit=data["unit"],
            national_id=person["national_id"] or None,
        )]
        if found and not form.confirms_different(found):
            form.warn_duplicates(found)
            return _form_page(request, scope, "new", form)
        try:
            with transaction.atomic():
                member = services.register_member(actor=request.user, **person)
                services.admit_member(
                    actor=request.user, member=member, unit=data["unit"], on=data["on"],
                    note=data["note"],
                )
                # Told apart by the clerk: the scan will not flag these pairs again.
                merging.record_distinct(actor=request.user, member=member, others=found)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, "new", member)
    return _form_page(request, scope, "new", form)


def _operate(request, pk: int, operation: str, form_class, perform):
    """Scoped fetch → form → service → redirect, or the form again with what went wrong.

    `perform(member, form, actor)` calls the service with the form's cleaned data; it may
    return the message to show instead of the operation's usual one.
    """
    scope = scope_for(request.user)
    member, span = selectors.member_for(scope, pk)
    if not may_keep_records(scope, span):
        raise PermissionDenied
    form = form_class(
        request.POST if request.method == "POST" else None, member=member, scope=scope
    )
    if form.is_bound and form.is_valid():
        try:
            message = perform(member, form, request.user)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _done(request, operation, member, message)
    if operation == "edit" and not form.is_bound:
        # The edit form shows the full national ID.
        services.record_national_id_view(actor=request.user, member=member)
    return _form_page(request, scope, operation, form, member)


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    def perform(member, form, actor):
        reason = form.cleaned_data["reason"]
        services.update_member(actor=actor, member=member, reason=reason, **form.person())

    return _operate(request, pk, "edit", forms.EditForm, perform)


@require_http_methods(["GET", "POST"])
def transfer(request, pk: int):
    def perform(member, form, actor):
        data, to = form.cleaned_data, form.destination()
        on, note = data["on"], data["note"]
        if isinstance(to, str):
            transfers.transfer_away(actor=actor, member=member, on=on, destination=to, note=note)
            return TRANSFERRED_AWAY % {"member": member, "destination": to}
        if scope_for(actor).can_enter_data(to):
            services.transfer_member(actor=actor, member=member, to_unit=to, on=on, note=note)
            return None
        transfers.request_transfer(actor=actor, member=member, to_unit=to, on=on, note=note)
        return TRANSFER_ASKED % {"member": member, "unit": to}

    return _operate(request, pk, "transfer", forms.TransferForm, perform)


@require_http_methods(["GET", "POST"])
def leave(request, pk: int):
    def perform(member, form, actor):
        data = form.cleaned_data
        services.leave_union(
            actor=actor, member=member, on=data["on"], reason=data["reason"], note=data["note"]
        )

    return _operate(request, pk, "leave", forms.LeaveForm, perform)


@require_http_methods(["GET", "POST"])
def suspend(request, pk: int):
    def perform(member, form, actor):
        data = form.cleaned_data
        services.suspend_member(actor=actor, member=member, on=data["on"], note=data["note"])

    return _operate(request, pk, "suspend", forms.SuspendForm, perform)


@require_http_methods(["GET", "POST"])
def resume(request, pk: int):
    def perform(member, form, actor):
        data = form.cleaned_data
        services.resume_member(actor=actor, member=member, on=data["on"], note=data["note"])

    return _operate(request, pk, "resume", forms.ResumeForm, perform)


@require_http_methods(["GET", "POST"])
def readmit(request, pk: int):
    def perform(member, form, actor):
        data = form.cleaned_data
        services.readmit_member(
            actor=actor, member=member, unit=data["unit"], on=data["on"], note=data["note"]
        )

    return _operate(request, pk, "readmit", forms.ReadmitForm, perform)
