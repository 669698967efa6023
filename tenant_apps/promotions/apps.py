from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "tenant_apps.promotions"
    label = "promotions"
    verbose_name = _("Promotions")

    def ready(self) -> None:
        from tenant_apps.checkout.interface import register_checkout_extension
        from tenant_apps.marketing.interface import register_activity_model
        from tenant_apps.pricing.interface import register_item_offers, register_price_boundaries
        from tenant_apps.storefront.interface import register_badges

        from . import handlers  # noqa: F401  (order-event subscribers)
        from .extension import PromotionsExtension
        from .models import LimitedDiscount, PromotionRule
        from .offers import badges, item_offers, price_boundaries

        register_activity_model(PromotionRule)
        register_activity_model(LimitedDiscount)
        register_item_offers(item_offers)
        register_price_boundaries(price_boundaries)
        register_checkout_extension(PromotionsExtension())
        register_badges(badges)
