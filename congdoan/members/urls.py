from django.urls import path

from congdoan.members import views, views_duplicates, views_export, views_transfers

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.new, name="new"),
    path("export/", views_export.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/national-id/", views.reveal_national_id, name="national_id"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/suspend/", views.suspend, name="suspend"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/readmit/", views.readmit, name="readmit"),
    path("transfers/", views_transfers.transfer_list, name="transfers"),
    path(
        "transfers/<int:pk>/<str:verdict>/",
        views_transfers.answer,
        name="transfer_answer",
    ),
    path("duplicates/", views_duplicates.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/merge/", views_duplicates.merge, name="duplicate_merge"),
    path("duplicates/<int:pk>/distinct/", views_duplicates.distinct, name="duplicate_distinct"),
]
