"""Transfer requests between unions kept by different users: the receiving side answers.

The receiving union sees only what it needs to decide (name, birth, masked national ID and
where the member comes from); the member's page opens to it once it has accepted.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from congdoan.accounts.scope import scope_for
from congdoan.members import selectors, transfers
from congdoan.members.models import TransferRequest

DONE = {
    "accept": _("%(member)s has joined %(unit)s."),
    "decline": _("The transfer of %(member)s to %(unit)s has been declined."),
    "cancel": _("The transfer request for %(member)s has been withdrawn."),
}


@require_GET
def transfer_list(request):
    scope = scope_for(request.user)
    return render(request, "members/transfers.html", {
        "incoming": list(selectors.incoming_transfers(scope)[:200]),
        "outgoing": selectors.outgoing_transfers(scope),
    })


@require_POST
def answer(request, pk: int, verdict: str):
    if verdict not in DONE:
        raise Http404(verdict)
    scope = scope_for(request.user)
    transfer = get_object_or_404(
        TransferRequest.objects.select_related("member", "from_unit", "to_unit"), pk=pk
    )
    if not (scope.contains(transfer.to_unit) or scope.contains(transfer.from_unit)):
        raise Http404
    side = transfer.from_unit if verdict == "cancel" else transfer.to_unit
    if not scope.can_enter_data(side):
        raise PermissionDenied
    text = request.POST.get("answer", "")
    call = {
        "accept": transfers.accept_transfer,
        "decline": transfers.decline_transfer,
        "cancel": transfers.cancel_transfer,
    }[verdict]
    try:
        call(actor=request.user, request=transfer, answer=text)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, DONE[verdict] % {"member": transfer.member, "unit": transfer.to_unit}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("members:transfers")
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
