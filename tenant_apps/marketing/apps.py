from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "tenant_apps.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from tenant_apps.pricing.interface import register_price_boundaries
        from tenant_apps.storefront.interface import register_badges

        from . import entries

        register_badges(entries.badges)
        register_price_boundaries(entries.boundaries)
