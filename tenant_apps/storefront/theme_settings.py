"""Reads of the shop's theme choice and settings (the merchant's "shop decoration" / 店铺装修).

Stored settings hold only the merchant's customisations; pages merge them over the theme's current
defaults (themes.registry.merged_settings), so upgrading a theme to a newer version keeps every
customisation that is still valid and shows new keys with their defaults. Switching theme touches no
other shop data (catalog, orders, members live in their own tables).
"""

from dataclasses import dataclass

from shared_apps.tenancy.interface import current_shop
from themes.registry import Theme, get_theme, merged_settings, theme_or_default

from .models import ThemeSettings


@dataclass(frozen=True)
class ThemeState:
    theme: Theme
    saved_version: str
    customised: dict
    settings: dict  # effective: defaults overlaid with the customisations


def theme_state() -> ThemeState:
    """The current shop's theme (saved choice, else the template it was launched from) and settings."""
    row = ThemeSettings.objects.filter(pk=1).first()
    saved = row.theme if row and get_theme(row.theme) else None
    theme = theme_or_default(saved or getattr(current_shop(), "template", None))
    customised = dict(row.settings) if row and row.theme == theme.slug else {}
    return ThemeState(
        theme=theme,
        saved_version=row.version if row and row.theme == theme.slug else theme.version,
        customised=customised,
        settings=merged_settings(theme, customised),
    )
