"""Units in the admin, read-only: every change goes through org.services (the pages)."""

from django.contrib import admin

from congdoan.core.admin import ReadOnlyAdmin
from congdoan.org.models import OrgEvent, Unit, UnitVersion


class VersionInline(admin.TabularInline):
    model = UnitVersion
    fk_name = "unit"
    fields = ["valid_from", "valid_to", "name", "kind", "parent", "event"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["valid_from"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active", "starts_on", "ends_on"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    inlines = [VersionInline]


@admin.register(UnitVersion)
class UnitVersionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    list_select_related = ["unit", "parent"]
    search_fields = ["unit__code", "name"]


@admin.register(OrgEvent)
class OrgEventAdmin(ReadOnlyAdmin):
    list_display = ["effective_on", "kind", "summary", "actor", "recorded_at"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["summary", "reason"]
    date_hierarchy = "effective_on"
