from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "congdoan.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from congdoan.enterprises import hooks as enterprise_hooks
        from congdoan.members import org_hooks, reorganisation, span_hooks
        from congdoan.org import hooks

        hooks.on_unit_end(reorganisation.end_memberships_of_unit)
        hooks.on_kind_change(org_hooks.refuse_kind_change_while_holding_members)
        enterprise_hooks.on_ownership_change(span_hooks.employer_sector_changed)
