"""What the public side may ask of a shop's storefront (run it in the shop's schema, e.g. via run_in_shop)."""

from .selectors import product_cards_by_id
from .services import ThemeSettingsInvalid, apply_theme_settings
from .theming import render_page
from .views import page_context

__all__ = ["ThemeSettingsInvalid", "apply_theme_settings", "page_context", "product_cards_by_id", "render_page"]
