from django.urls import path

app_name = "enterprises"

urlpatterns: list = []
