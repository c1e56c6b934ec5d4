"""The pages of a plan's tasks and solutions and its activity news, under /plans/<code>/tasks/."""

from django.urls import path

from congdoan.plans import views_tasks as views

urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("news/", views.news, name="news"),
    path("groups/new/", views.task_new_group, name="task_new_group"),
    path("new/", views.task_new, name="task_new"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:pk>/report/", views.task_report, name="task_report"),
    path("attachments/<int:pk>/", views.task_attachment, name="task_attachment"),
]
