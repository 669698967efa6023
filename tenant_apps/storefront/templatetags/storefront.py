"""Template helpers for theme templates (built into every theme engine): money, image URLs, theme assets."""

from django import template
from django.core.files.storage import default_storage
from django.templatetags.static import static

from micromall.money import format_money
from themes.registry import default_theme

register = template.Library()


@register.filter
def money(amount, currency="CNY"):
    return format_money(amount, currency)


@register.filter
def media_url(name):
    return default_storage.url(name) if name else ""


@register.simple_tag(takes_context=True)
def theme_asset(context, name: str) -> str:
    """URL of a static file of the page's theme, or of the default theme when the theme lacks it."""
    theme = context.get("theme") or default_theme()
    return static(theme.asset_path(name))


@register.simple_tag(takes_context=True)
def theme_asset_layers(context, name: str) -> list[str]:
    """URLs of every copy of a stacking file (e.g. `css/theme.css`): the default theme's, then the page theme's."""
    theme = context.get("theme") or default_theme()
    return [static(path) for path in theme.asset_layers(name)]
