from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "congdoan.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from congdoan.analytics import ledger
        from congdoan.members import span_hooks

        span_hooks.on_spans_changed(ledger.apply_changes)
        span_hooks.on_batch(ledger.months_gathered)
