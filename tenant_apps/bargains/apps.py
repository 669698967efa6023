from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainsConfig(AppConfig):
    name = "tenant_apps.bargains"
    label = "bargains"
    verbose_name = _("Bargains")

    def ready(self) -> None:
        from tenant_apps.checkout.interface import register_checkout_extension
        from tenant_apps.marketing.interface import register_activity_model, register_clock, register_entries
        from tenant_apps.orders.interface import register_late_payment_hook

        from . import (
            entries,
            handlers,  # noqa: F401  (registers the order-event subscribers)
        )
        from .extension import TYPE, BargainExtension
        from .models import Bargain
        from .services import expire_sessions, retake_for_late_payment

        register_activity_model(Bargain)
        register_entries(entries.KIND, entries.entries, entries.describe)
        register_clock(expire_sessions)
        register_checkout_extension(BargainExtension())
        register_late_payment_hook(TYPE, retake_for_late_payment)
