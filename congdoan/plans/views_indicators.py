"""Indicator pages: the catalogue every plan draws from, one indicator, and its forms.

Indicators are shared by all plans, so everyone signed in reads them; managers and
administrators define them (rules.may_define_indicators), and change one only when they
manage every plan that uses it (rules.check_may_edit_indicator).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from congdoan.accounts.scope import scope_for
from congdoan.plans import forms, indicator_services, rules, selectors
from congdoan.plans.models import Indicator

CREATED = _("The indicator %(code)s has been defined.")
UPDATED = _("The indicator %(code)s has been updated.")


@require_GET
def indicator_list(request):
    scope = scope_for(request.user)
    return render(
        request,
        "plans/indicators.html",
        {
            "indicators": Indicator.objects.order_by("code"),
            "may_define": rules.may_define_indicators(scope),
        },
    )


def _may_edit(scope, indicator) -> bool:
    try:
        rules.check_may_edit_indicator(scope, indicator)
    except ValidationError:
        return False
    return True


@require_GET
def indicator_detail(request, code: str):
    scope = scope_for(request.user)
    indicator = get_object_or_404(Indicator, code=code)
    plans = selectors.visible_plans(scope).filter(indicators=indicator).order_by("-starts_on")
    return render(
        request,
        "plans/indicator.html",
        {"indicator": indicator, "plans": plans, "may_edit": _may_edit(scope, indicator)},
    )


def _form_page(request, form, title, indicator=None):
    return render(
        request,
        "plans/indicator_form.html",
        {"form": form, "title": title, "indicator": indicator},
    )


@require_http_methods(["GET", "POST"])
def indicator_new(request):
    scope = scope_for(request.user)
    if not rules.may_define_indicators(scope):
        raise PermissionDenied
    form = forms.IndicatorForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            indicator = indicator_services.create_indicator(
                actor=request.user,
                scope=scope,
                reason=form.cleaned_data["reason"],
                **form.details(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, CREATED % {"code": indicator.code})
            return redirect("plans:indicator", indicator.code)
    return _form_page(request, form, _("Define an indicator"))


@require_http_methods(["GET", "POST"])
def indicator_edit(request, code: str):
    scope = scope_for(request.user)
    indicator = get_object_or_404(Indicator, code=code)
    if not _may_edit(scope, indicator):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = forms.IndicatorEditForm(data, indicator=indicator)
    if form.is_bound and form.is_valid():
        try:
            indicator_services.update_indicator(
                actor=request.user,
                scope=scope,
                indicator=indicator,
                reason=form.cleaned_data["reason"],
                **form.details(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, UPDATED % {"code": indicator.code})
            return redirect("plans:indicator", indicator.code)
    title = _("Change the indicator %(code)s") % {"code": indicator.code}
    return _form_page(request, form, title, indicator)
