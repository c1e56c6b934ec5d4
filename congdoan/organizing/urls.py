from django.urls import path

app_name = "organizing"

urlpatterns: list = []
