from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashSalesConfig(AppConfig):
    name = "tenant_apps.flash_sales"
    label = "flash_sales"
    verbose_name = _("Flash sales")

    def ready(self) -> None:
        from tenant_apps.checkout.interface import register_checkout_extension
        from tenant_apps.marketing.interface import register_activity_model, register_entries
        from tenant_apps.orders.interface import register_late_payment_hook

        from . import (
            entries,
            handlers,  # noqa: F401  (the order-event subscribers)
        )
        from .extension import FlashSaleExtension
        from .models import FlashSale
        from .services import retake_for_late_payment

        register_activity_model(FlashSale)
        register_entries(entries.KIND, entries.entries, entries.describe)
        register_checkout_extension(FlashSaleExtension())
        register_late_payment_hook("flash_sale", retake_for_late_payment)
