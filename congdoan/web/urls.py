from django.urls import path

from congdoan.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
