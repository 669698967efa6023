from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupBuysConfig(AppConfig):
    name = "tenant_apps.group_buys"
    label = "group_buys"
    verbose_name = _("Group buys")

    def ready(self) -> None:
        from tenant_apps.checkout.interface import register_checkout_extension
        from tenant_apps.marketing.interface import register_activity_model, register_entries
        from tenant_apps.orders.interface import register_late_payment_hook

        from . import (
            entries,
            handlers,  # noqa: F401  (registers the order-event subscribers)
        )
        from .extension import TYPE, GroupBuyExtension
        from .models import GroupBuy
        from .services import retake_for_late_payment

        register_activity_model(GroupBuy)
        register_entries(entries.KIND, entries.entries, entries.describe)
        register_checkout_extension(GroupBuyExtension())
        register_late_payment_hook(TYPE, retake_for_late_payment)
