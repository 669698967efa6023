"""Storefront writers: the shop's theme choice and settings (店铺装修). The API and the back office call these."""

import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext as _

from micromall.errors import Invalid
from tenant_apps.catalog.interface import inspect_image
from themes.registry import Theme, get_theme, validate_settings

from .models import ThemeSettings
from .theme_settings import ThemeState, theme_state


class ThemeSettingsInvalid(Invalid):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors=errors)


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


@transaction.atomic
def apply_theme_settings(changes: dict) -> dict:
    """Merge `changes` into the current theme's customisations (validated by the theme's schema); returns the
    effective settings. Raises ThemeSettingsInvalid with field errors (e.g. an agency's bulk action)."""
    if not isinstance(changes, dict) or not changes:
        raise ThemeSettingsInvalid({"settings": [_("Must be a non-empty object.")]})
    state = theme_state()
    return save_theme_settings(theme=state.theme.slug, settings={**state.customised, **changes}).settings


def store_theme_image(*, upload: UploadedFile | None) -> str:
    """Keep a picture for the theme (logo, banner slide) under the shop's media prefix; returns its URL, which the
    merchant's settings then link to. Checked like product pictures (real JPEG/PNG/WebP, size and sides bounded).
    The file is kept even if the settings are never saved (like a product picture uploaded but not attached)."""
    if upload is None:
        raise Invalid(errors={"image": [_("Choose a picture to upload.")]})
    extension, _width, _height = inspect_image(upload, field="image")
    name = default_storage.save(f"shops/{connection.schema_name}/theme/{uuid.uuid4().hex}{extension}", upload)
    return default_storage.url(name)
