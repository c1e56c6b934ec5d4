from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "congdoan.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from congdoan.enterprises import services
        from congdoan.org import hooks

        hooks.on_unit_end(services.end_links_of_unit)
