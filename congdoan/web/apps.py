from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "congdoan.web"
    label = "web"
