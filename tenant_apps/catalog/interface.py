"""What other apps (and the public side, e.g. launch/demo seeding) may call in the catalog.

Run it in the shop's schema (e.g. inside `run_in_shop(shop, ...)` / `tenant_context(shop)`).
"""

from .services.seeding import load_catalog

__all__ = ["load_catalog"]
