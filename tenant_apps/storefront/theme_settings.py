"""Writers and reads of the shop's theme choice and settings (the merchant's "shop decoration" / 店铺装修).

Stored settings hold only the merchant's customisations; pages merge them over the theme's current
defaults (themes.registry.merged_settings), so upgrading a theme to a newer version keeps every
customisation that is still valid and shows new keys with their defaults. Switching theme touches no
other shop data (catalog, orders, members live in their own tables).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from micromall.errors import Invalid
from shared_apps.tenancy.interface import current_shop
from themes.registry import Theme, get_theme, merged_settings, theme_or_default, validate_settings

from .models import ThemeSettings


class ThemeSettingsInvalid(Invalid):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors=errors)


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


def _still_valid(theme: Theme, settings: dict) -> dict:
    """Keys of `settings` the theme knows and accepts (carried over on a theme switch or upgrade)."""
    return {key: value for key, value in settings.items() if not validate_settings(theme, {key: value})}


@transaction.atomic
def save_theme_settings(*, theme: str, settings: dict | None) -> ThemeState:
    """Choose `theme` and store `settings` (validated against its schema). Raises ThemeSettingsInvalid.

    `settings=None` keeps the current customisations that the (possibly new) theme still accepts.
    """
    target = get_theme(theme)
    if target is None:
        raise ThemeSettingsInvalid({"theme": [_("Unknown theme.")]})
    if settings is None:
        settings = _still_valid(target, theme_state().customised)
    if not isinstance(settings, dict):
        raise ThemeSettingsInvalid({"settings": [_("Must be an object.")]})
    errors = validate_settings(target, settings)
    if errors:
        raise ThemeSettingsInvalid({f"settings.{key}": messages for key, messages in errors.items()})
    ThemeSettings.objects.update_or_create(
        pk=1, defaults={"theme": target.slug, "version": target.version, "settings": settings}
    )
    return theme_state()
