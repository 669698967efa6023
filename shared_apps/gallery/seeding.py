"""Filling a new shop's schema with its template's demo catalog and theme settings (bulk, one transaction)."""

import importlib

from django_tenants.utils import tenant_context

from .models import Template
from .themes import demo_catalog


def _interface(app: str):
    # Shop apps are reached only through their interface modules (import-linter contract).
    try:
        return importlib.import_module(f"tenant_apps.{app}.interface")
    except ModuleNotFoundError:
        return None


def seed_shop(*, shop, template: str) -> None:
    """Load `template`'s demo catalog into `shop`'s schema (caller's transaction).

    The theme needs no row: a shop without ThemeSettings renders Shop.template's theme with its defaults.
    """
    row = Template.objects.get(slug=template)
    data, media_dir = demo_catalog(row.slug, row.version)
    catalog = _interface("catalog")
    with tenant_context(shop):
        if data and catalog is not None:
            catalog.load_catalog(data, media_dir)
