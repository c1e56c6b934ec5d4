from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.models import FailedLogin, User

# Only staff (system administrators) reach /admin/; everyone else works in the pages.
admin.site.site_header = _("Trade union — system administration")
admin.site.site_title = _("System administration")
admin.site.index_title = _("System administration")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "unit", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["unit"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets[:1],
        (_("Unit and role"), {"fields": ["unit", "role"]}),
        *DjangoUserAdmin.fieldsets[1:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1",
                                               "password2"]}),
        (_("Unit and role"), {"fields": ["unit", "role"]}),
    ]


@admin.register(FailedLogin)
class FailedLoginAdmin(admin.ModelAdmin):
    """Failed sign-ins; deleting a user's rows lifts their throttle early."""

    list_display = ["at", "username", "address"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
