"""Sign-in with throttling, sign-out, and the door to Django's admin."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congdoan.accounts import services

THROTTLED = _(
    "Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again, "
    "or ask your system administrator for help."
)


def client_address(request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is the client's to forge unless a trusted
    # proxy sets it, and the proxy in front is deployment-specific.
    return request.META.get("REMOTE_ADDR", "")


class LoginView(auth_views.LoginView):
    """Django's sign-in, refusing names and addresses that failed too often of late."""

    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if services.is_login_throttled(username=username, address=client_address(request)):
            # Refused before the password is checked, so guessing on gains nothing.
            form = self.get_form_class()(request, initial={"username": username})
            minutes = max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
            context = self.get_context_data(form=form, throttled=THROTTLED % {"minutes": minutes})
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        services.record_failed_login(
            username=form.data.get("username", ""), address=client_address(self.request)
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        services.clear_failed_logins(username=form.get_user().get_username())
        return super().form_valid(form)


login = login_not_required(LoginView.as_view())
logout = auth_views.LogoutView.as_view()


@login_not_required
def admin_login(request):
    """The admin signs in through the throttled page too; non-staff users are refused."""
    if request.user.is_authenticated:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
