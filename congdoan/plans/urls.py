from django.urls import include, path

app_name = "plans"

urlpatterns = [
    # Values that units report for reported indicators (before the plan pages: a plan code
    # could otherwise swallow the word).
    path("reported/", include("congdoan.plans.urls_reported")),
    # Plan codes (e.g. PTDV-2023) are chosen by people: the pages of one plan live under
    # its code, the tasks and activity news in their own module.
    path("<str:code>/tasks/", include("congdoan.plans.urls_tasks")),
]
