from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "congdoan.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from congdoan.members import org_hooks, services
        from congdoan.org import hooks

        hooks.on_unit_end(services.end_memberships_of_unit)
        hooks.on_kind_change(org_hooks.refuse_kind_change_while_holding_members)
