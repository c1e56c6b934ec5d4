"""Possible duplicate people: the list to review, "different people", and the merge page.

Those who keep the records of both people decide (a clerk inside their union, a manager in
their subtree, an administrator anywhere); viewers and approvers get 403, pairs with a person
outside the scope 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from congdoan.accounts.scope import Scope, scope_for
from congdoan.members import duplicates, errors, merging, selectors
from congdoan.members.forms_duplicates import DistinctForm, MergeForm
from congdoan.members.models import DuplicatePair, Member, Membership
from congdoan.members.views import may_keep_records

PAGE_SIZE = 50
MARKED_DISTINCT = _("%(first)s and %(second)s are recorded as different people.")
MERGED = _("The two records are now one: %(member)s.")


def _reviewer_scope(request) -> Scope:
    scope = scope_for(request.user)
    if not duplicates.may_review(scope):
        raise PermissionDenied
    return scope


def _pair_for(scope: Scope, pk: int) -> tuple[DuplicatePair, dict[int, list[Membership]]]:
    """The pair `pk` and both people's timelines: 404 if either person is outside the scope,
    403 if the user may not keep both records.

    A person merged away since stands where the record they were merged into stands.
    """
    pair = DuplicatePair.objects.select_related("first", "second").filter(pk=pk).first()
    if pair is None:
        raise Http404
    lines = duplicates.timelines([pair.first, pair.second])
    for person in (pair.first, pair.second):
        where = duplicates.kept_record(person.pk) or person
        span = selectors.standing_span(where)
        if not scope.contains(span and span.unit):
            raise Http404
        if not may_keep_records(scope, span):
            raise PermissionDenied
    return pair, lines


def _people(pair: DuplicatePair, lines: dict[int, list[Membership]]) -> list[dict]:
    return [
        {"member": person, "timeline": lines[person.pk], "span": (lines[person.pk] or [None])[-1]}
        for person in (pair.first, pair.second)
    ]


@require_GET
def duplicate_list(request):
    scope = _reviewer_scope(request)
    pairs = duplicates.reviewable_pairs(scope).select_related("first", "second")
    after = request.GET.get("after", "")
    if after.isdigit():
        pairs = pairs.filter(pk__gt=int(after))
    page = list(pairs[: PAGE_SIZE + 1])
    more, page = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
    lines = duplicates.timelines([person for pair in page for person in (pair.first, pair.second)])
    rows = [
        {"pair": pair, "people": _people(pair, lines), "form": DistinctForm(pair=pair, lines=lines)}
        for pair in page
    ]
    return render(
        request,
        "members/duplicates.html",
        {
            "rows": rows,
            "next_after": page[-1].pk if more else None,
            "is_first_page": not after,
        },
    )


@require_POST
def distinct(request, pk: int):
    scope = _reviewer_scope(request)
    pair, lines = _pair_for(scope, pk)
    form = DistinctForm(request.POST, pair=pair, lines=lines)
    done = False
    if form.is_valid():
        try:
            merging.mark_distinct(
                actor=request.user, pair=pair, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            done = True
    text = MARKED_DISTINCT % {"first": pair.first, "second": pair.second}
    problems = [str(error) for error in form.non_field_errors()] + [
        str(error) for name in form.errors if name != "__all__" for error in form.errors[name]
    ]
    if request.htmx:
        return render(
            request,
            "members/duplicates.html#resolved",
            {
                "pair": pair,
                "done": done,
                "text": text,
                "problems": problems,
            },
        )
    if done:
        messages.success(request, text)
    for problem in problems:
        messages.error(request, problem)
    return redirect("members:duplicates")


def _default_keep(pair: DuplicatePair, lines) -> Member:
    """The record with a national ID, else the one still a member, else the older one."""

    def rank(person: Member):
        timeline = lines[person.pk]
        is_member = bool(timeline) and timeline[-1].end is None
        return (not person.national_id, not is_member, -len(timeline), person.pk)

    return min((pair.first, pair.second), key=rank)


@require_http_methods(["GET", "POST"])
def merge(request, pk: int):
    scope = _reviewer_scope(request)
    pair, lines = _pair_for(scope, pk)
    people = {pair.first.pk: pair.first, pair.second.pk: pair.second}
    chosen = (request.POST if request.method == "POST" else request.GET).get("keep", "")
    keep = people.get(int(chosen)) if chosen.isdigit() else None
    keep = keep or _default_keep(pair, lines)
    form = MergeForm(
        request.POST if request.method == "POST" else None, pair=pair, lines=lines, keep=keep.pk
    )
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            kept = merging.merge(
                actor=request.user, pair_or_members=pair, keep=data["keep"], reason=data["reason"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, MERGED % {"member": kept})
            url = reverse("members:detail", args=[kept.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    is_open = pair.status == DuplicatePair.Status.OPEN
    drop = pair.second if keep == pair.first else pair.first
    preview_only = request.htmx and request.method == "GET"
    return render(
        request,
        "members/merge.html#preview" if preview_only else "members/merge.html",
        {
            "pair": pair,
            "people": _people(pair, lines),
            "form": form,
            "plan": merging.plan_merge(keep, drop) if is_open else None,
            "resolved": None
            if is_open
            else errors.PAIR_RESOLVED % {"status": pair.get_status_display()},
        },
    )
