"""Plans in the admin, read-only: every change goes through plans.services, which checks
who may change what and keeps the history of every target."""

from django.contrib import admin

from congdoan.core.admin import ReadOnlyAdmin, ReadOnlyInline
from congdoan.plans.models import (
    Indicator,
    Period,
    Plan,
    PlanDocument,
    Target,
    TargetChange,
    Task,
    TaskGroup,
)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "measure", "aggregation", "source", "calculator"]
    list_filter = ["source", "measure", "aggregation"]
    search_fields = ["code", "name"]


class PeriodInline(ReadOnlyInline):
    model = Period
    fields = ["label", "kind", "starts_on", "ends_on"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = PlanDocument
    fields = ["title", "kind", "file", "uploaded_at"]
    readonly_fields = fields


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "owner", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    search_fields = ["code", "title"]
    inlines = [PeriodInline, DocumentInline]


class TargetChangeInline(ReadOnlyInline):
    model = TargetChange
    fields = ["at", "actor", "before", "after", "reason"]
    readonly_fields = fields


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["plan", "indicator", "unit", "period", "value", "updated_at"]
    list_filter = ["plan", "indicator"]
    list_select_related = ["plan", "indicator", "unit", "period"]
    search_fields = ["unit__code", "unit__name", "plan__code"]
    inlines = [TargetChangeInline]


class TaskInline(ReadOnlyInline):
    model = Task
    fields = ["number", "title", "due_kind", "due_on", "status", "progress"]
    readonly_fields = fields


@admin.register(TaskGroup)
class TaskGroupAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "title"]
    list_select_related = ["plan"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "group", "due_on", "status", "progress"]
    list_filter = ["status", "due_kind"]
    list_select_related = ["group"]
    search_fields = ["title"]
