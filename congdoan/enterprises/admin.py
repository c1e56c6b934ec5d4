"""Enterprises in the admin, read-only: every change goes through enterprises.services."""

from django.contrib import admin

from congdoan.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdoan.enterprises.models import Enterprise, Headcount, StatusPeriod, UnionLink


class HeadcountInline(ReadOnlyInline):
    model = Headcount
    fields = ["as_of", "workers", "source"]
    readonly_fields = fields


class StatusInline(ReadOnlyInline):
    model = StatusPeriod
    fields = ["status", "valid_from", "valid_to", "note"]
    readonly_fields = fields


class UnionLinkInline(ReadOnlyInline):
    model = UnionLink
    fields = ["union", "valid_from", "valid_to", "note"]
    readonly_fields = fields


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["tax_code", "name", "area_unit", "ownership", "industry"]
    list_filter = ["ownership"]
    list_select_related = ["area_unit"]
    search_fields = ["tax_code", "search_key"]
    inlines = [HeadcountInline, StatusInline, UnionLinkInline]
