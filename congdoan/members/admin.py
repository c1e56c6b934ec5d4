"""Members in the admin, read-only: admissions, transfers and leaves go through the services."""

from django.contrib import admin

from congdoan.core.admin import ReadOnlyAdmin
from congdoan.members.models import Member, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["unit", "status", "start", "end", "start_reason", "end_reason", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "gender", "birth_year", "joined_on"]
    list_filter = ["gender", "nationality"]
    search_fields = ["search_key", "card_number"]
    # The national ID, ethnicity and religion are left out: sensitive personal data.
    exclude = ["national_id", "ethnicity", "religion"]
    inlines = [MembershipInline]
