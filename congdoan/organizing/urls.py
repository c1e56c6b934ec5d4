from django.urls import path

from congdoan.organizing import views

app_name = "organizing"

# Case routes name their key `case`, not `pk`: the URL walk (web/tests/test_url_scope.py)
# fills each parameter name with its own objects.
urlpatterns = [
    path("", views.board, name="board"),
    path("overdue/", views.overdue, name="overdue"),
    path("new/", views.new_case, name="new"),
    path("<int:case>/", views.case_detail, name="case"),
    path("<int:case>/move/<str:direction>/", views.move, name="move"),
    path("<int:case>/state/<str:action>/", views.change_state, name="state"),
    path("<int:case>/next-step/", views.next_step, name="next_step"),
    path("<int:case>/applicants/", views.add_applicant, name="add_applicant"),
    path(
        "<int:case>/applicants/<int:applicant>/remove/",
        views.remove_applicant,
        name="remove_applicant",
    ),
    path("<int:case>/recognise/", views.recognise, name="recognise"),
]
