"""What the public side may ask of a shop's storefront (run it in the shop's schema, e.g. via run_in_shop), and
the badge registry the marketing tools register with (badges.py)."""

from .badges import Badge, BadgeProduct, badges_for, register_badges, unregister_badges
from .selectors import product_cards_by_id
from .services import ThemeSettingsInvalid, apply_theme_settings
from .theming import render_page
from .views import page_context

__all__ = [
    "Badge",
    "BadgeProduct",
    "ThemeSettingsInvalid",
    "apply_theme_settings",
    "badges_for",
    "page_context",
    "product_cards_by_id",
    "register_badges",
    "render_page",
    "unregister_badges",
]
