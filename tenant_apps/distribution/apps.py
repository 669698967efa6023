from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "tenant_apps.distribution"
    label = "distribution"
    verbose_name = _("Distribution")

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (registers the order-event subscribers)
