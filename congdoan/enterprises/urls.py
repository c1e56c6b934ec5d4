from django.urls import path

from congdoan.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.new, name="new"),
    path("coverage/", views.coverage, name="coverage"),
    # Tax codes are digits (and a dash), so they never clash with the words above.
    path("<str:tax_code>/", views.detail, name="detail"),
    path("<str:tax_code>/edit/", views.edit, name="edit"),
    path("<str:tax_code>/headcount/", views.headcount, name="headcount"),
    path("<str:tax_code>/status/", views.status, name="status"),
    path("<str:tax_code>/union/", views.link, name="link"),
    path("<str:tax_code>/union/end/", views.unlink, name="unlink"),
]
