from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from congdoan.accounts import views as accounts_views

urlpatterns = [
    # Every sign-in, the admin's included, goes through the throttled page.
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    # The language switch is in the header of the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("congdoan.accounts.urls")),
    path("units/", include("congdoan.org.urls")),
    path("members/", include("congdoan.members.urls")),
    path("enterprises/", include("congdoan.enterprises.urls")),
    path("organizing/", include("congdoan.organizing.urls")),
    path("plans/", include("congdoan.plans.urls")),
    path("imports/", include("congdoan.imports.urls")),
    path("dashboard/", include("congdoan.analytics.urls")),
    path("", include("congdoan.web.urls")),
]
