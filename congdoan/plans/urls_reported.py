"""The pages where units report the values of reported indicators, under /plans/reported/."""

from django.urls import path

from congdoan.plans import views_reported

urlpatterns = [
    path("", views_reported.reported_list, name="reported_list"),
    path("<str:code>/", views_reported.reported_entry, name="reported_entry"),
]
