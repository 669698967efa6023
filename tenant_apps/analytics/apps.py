from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "tenant_apps.analytics"
    label = "analytics"
    verbose_name = _("Data centre")

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (registers the order-event subscribers)
