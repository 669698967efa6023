from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouponsConfig(AppConfig):
    name = "tenant_apps.coupons"
    label = "coupons"
    verbose_name = _("Coupons")

    def ready(self) -> None:
        from tenant_apps.checkout.interface import register_checkout_extension

        from . import handlers  # noqa: F401  (order-event subscribers and the registration receiver)
        from .extension import EXTENSION

        register_checkout_extension(EXTENSION)
