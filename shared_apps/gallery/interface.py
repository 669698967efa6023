"""What other public apps may use of the template gallery (import-linter contract in pyproject.toml)."""

from .seeding import seed_shop
from .selectors import active_templates, template_by_slug

__all__ = ["active_templates", "seed_shop", "template_by_slug"]
