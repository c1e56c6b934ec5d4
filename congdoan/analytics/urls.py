from django.urls import path

from congdoan.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
]
