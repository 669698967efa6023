from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tenant_apps.catalog"
    label = "catalog"
    verbose_name = "商品 Catalog"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  registers the order-event subscribers
