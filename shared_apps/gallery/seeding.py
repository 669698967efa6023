"""Filling a new shop's schema with its template's demo catalog and theme settings (bulk, one transaction)."""

from django_tenants.utils import tenant_context

from tenant_apps.catalog.interface import load_catalog

from .models import Template
from .themes import demo_catalog


def seed_shop(*, shop, template: str) -> None:
    """Load `template`'s demo catalog into `shop`'s schema (caller's transaction).

    The theme needs no row: a shop without ThemeSettings renders Shop.template's theme with its defaults.
    """
    row = Template.objects.get(slug=template)
    data, media_dir = demo_catalog(row.slug, row.version)
    if data:
        with tenant_context(shop):
            load_catalog(data, media_dir)
