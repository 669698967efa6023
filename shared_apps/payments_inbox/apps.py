from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsInboxConfig(AppConfig):
    name = "shared_apps.payments_inbox"
    label = "payments_inbox"
    verbose_name = _("Shop payment webhooks")
