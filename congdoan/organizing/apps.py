from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizingConfig(AppConfig):
    name = "congdoan.organizing"
    label = "organizing"
    verbose_name = _("Founding grassroots unions")
