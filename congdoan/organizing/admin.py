"""Founding campaigns in the admin, read-only: every change goes through organizing.services."""

from django.contrib import admin

from congdoan.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdoan.organizing.models import Applicant, Case, StageEvent


class StageEventInline(ReadOnlyInline):
    model = StageEvent
    fields = ["kind", "stage", "on", "note", "actor"]
    readonly_fields = fields


class ApplicantInline(ReadOnlyInline):
    model = Applicant
    fields = ["full_name", "gender", "birth_year", "applied_on", "member"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "owner", "stage", "state", "next_step_due"]
    list_filter = ["stage", "state"]
    list_select_related = ["enterprise", "owner"]
    search_fields = ["enterprise__tax_code", "enterprise__search_key"]
    inlines = [StageEventInline, ApplicantInline]
