from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "tenant_apps.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (the order.paid_late subscriber)
