from django.urls import include, path

app_name = "plans"

urlpatterns = [
    # Plan codes (e.g. PTDV-2023) are chosen by people: the pages of one plan live under
    # its code, the tasks and activity news in their own module.
    path("<str:code>/tasks/", include("congdoan.plans.urls_tasks")),
]
