from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tenant_apps.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from . import handlers  # noqa: F401  registers the order-event subscribers
