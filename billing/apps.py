from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Plans and billing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shared_apps.tenancy.interface import provide_technical_fee

        from . import handlers  # noqa: F401  (registers the technical-fee ledger's event handlers)
        from .interface import technical_fee_bps

        provide_technical_fee(technical_fee_bps)
