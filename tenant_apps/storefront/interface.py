"""What the public side may ask of a shop's storefront (run it in the shop's schema, e.g. via run_in_shop)."""

from .theme_settings import ThemeSettingsInvalid, save_theme_settings, theme_state
from .theming import render_page
from .views import page_context

__all__ = ["ThemeSettingsInvalid", "apply_theme_settings", "page_context", "render_page"]


def apply_theme_settings(changes: dict) -> dict:
    """Merge `changes` into the current theme's customisations (validated by the theme's schema); returns the
    effective settings. Raises ThemeSettingsInvalid with field errors (e.g. an agency's bulk action)."""
    if not isinstance(changes, dict) or not changes:
        raise ThemeSettingsInvalid({"settings": ["Must be a non-empty object."]})
    state = theme_state()
    return save_theme_settings(theme=state.theme.slug, settings={**state.customised, **changes}).settings
