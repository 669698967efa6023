from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shared_apps.accounts"
    label = "accounts"
    verbose_name = _("Platform accounts")

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI security scheme)
