from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_after_migrate(sender, using="default", **kwargs) -> None:
    """`migrate_schemas` (public schema) also registers themes/ in the gallery, version-aware."""
    from django.db import connections

    if getattr(connections[using], "schema_name", "public") != "public":
        return  # a shop schema: the gallery lives in public only
    from .services import sync_templates

    sync_templates()


class GalleryConfig(AppConfig):
    name = "shared_apps.gallery"
    label = "gallery"
    verbose_name = _("Template gallery")

    def ready(self) -> None:
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="gallery.sync_after_migrate")
