from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "tenant_apps.loyalty"
    label = "loyalty"
    verbose_name = _("Points and levels")

    def ready(self) -> None:
        from tenant_apps.checkout.interface import register_checkout_extension
        from tenant_apps.members.interface import register_profile_extra
        from tenant_apps.pricing.interface import register_item_offers

        from . import handlers  # noqa: F401  (registers the order-event subscribers)
        from .extension import points_extension
        from .offers import level_offers
        from .profile import PROFILE_FIELDS, profile_extra

        register_checkout_extension(points_extension)
        register_item_offers(level_offers)
        register_profile_extra("loyalty", provider=profile_extra, fields=PROFILE_FIELDS)
