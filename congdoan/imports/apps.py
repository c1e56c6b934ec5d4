from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "congdoan.imports"
    label = "imports"
