"""Filling a new shop's schema with its template's demo catalog and theme settings (bulk, one transaction)."""

from django_tenants.utils import tenant_context

from tenant_apps.catalog.interface import load_catalog

from .models import Template
from .themes import demo_catalog


def seed_shop(*, shop, template: str, demo: bool = False) -> None:
    """Load `template`'s demo catalog into `shop`'s schema (caller's transaction).

    A merchant's shop starts with every sales figure at 0: invented sales are illegal (《电子商务法》 Art. 17);
    only the gallery's read-only demo shops (`demo=True`) keep the template's example figures, labelled as such.
    The theme needs no row: a shop without ThemeSettings renders Shop.template's theme with its defaults.
    """
    row = Template.objects.get(slug=template)
    data, media_dir = demo_catalog(row.slug, row.version)
    if data and not demo:
        data = {**data, "products": [{**p, "sales_count": 0} for p in data.get("products", [])]}
    if data:
        with tenant_context(shop):
            load_catalog(data, media_dir)
