"""The pages where units report the values of reported indicators, under /plans/reported/."""

urlpatterns = []
