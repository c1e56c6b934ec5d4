from django.urls import include, path

from congdoan.plans import views, views_export, views_indicators, views_targets

app_name = "plans"

urlpatterns = [
    # Values that units report for reported indicators (before the plan pages: a plan code
    # could otherwise swallow the word).
    path("reported/", include("congdoan.plans.urls_reported")),
    path("", views.plan_list, name="list"),
    # Literal words before the plan codes; services.create_plan keeps them from being codes.
    path("new/", views.new, name="new"),
    path("indicators/", views_indicators.indicator_list, name="indicators"),
    path("indicators/new/", views_indicators.indicator_new, name="indicator_new"),
    path("indicators/<str:code>/", views_indicators.indicator_detail, name="indicator"),
    path("indicators/<str:code>/edit/", views_indicators.indicator_edit, name="indicator_edit"),
    # Plan codes (e.g. PTDV-2023) are chosen by people: the pages of one plan live under
    # its code, the tasks and activity news in their own module.
    path("<str:code>/tasks/", include("congdoan.plans.urls_tasks")),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/export.xlsx", views_export.export, name="export"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/status/", views.change_status, name="status"),
    path("<str:code>/periods/new/", views.add_period, name="add_period"),
    path("<str:code>/documents/new/", views.attach_document, name="attach_document"),
    path("<str:code>/documents/<int:pk>/", views.document, name="document"),
    path("<str:code>/targets/", views_targets.targets, name="targets"),
    path("<str:code>/targets/split/", views_targets.split_wizard, name="split"),
    path("<str:code>/targets/<int:pk>/history/", views_targets.history, name="target_history"),
]
