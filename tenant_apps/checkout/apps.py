from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckoutConfig(AppConfig):
    name = "tenant_apps.checkout"
    label = "checkout"
    verbose_name = _("Cart and checkout")
