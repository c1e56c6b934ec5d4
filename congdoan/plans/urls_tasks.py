"""The pages of a plan's tasks and solutions and its activity news, under /plans/<code>/tasks/."""

urlpatterns = []
