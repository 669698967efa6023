"""Every colour of a theme follows the merchant's colour settings (issue 8: after changing the primary colour the
banners and the selected-category ring kept the old one)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

import themes.registry

THEMES = themes.registry.available_themes()
# The brand colours of every theme's defaults (backgrounds and text colours are neutral greys also used as such).
BRAND_COLOURS = {theme.defaults()["colors"][key].lower() for theme in THEMES for key in ("primary", "accent")}


def _static_file(url: str) -> Path:
    slug, name = re.match(r"^/static/themes/([^/]+)/(.+)$", url).groups()
    return Path(settings.BASE_DIR) / "themes" / slug / "static" / name


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.slug)
def test_default_banners_are_transparent_decorations_over_the_shop_colours(theme):
    for slide in theme.defaults()["banner_slides"]:
        picture = _static_file(slide["image_url"])
        assert picture.suffix == ".svg", f"{slide['image_url']}: a photo or raster keeps its own colours"
        colours = set(re.findall(r'(?:fill|stroke|stop-color)="([^"]+)"', picture.read_text(encoding="utf-8")))
        assert colours <= {"#fff", "#ffffff", "none"}, (slide["image_url"], colours)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.slug)
def test_theme_stylesheets_use_the_colour_variables_not_a_default_colour(theme):
    for sheet in theme.asset_layers("css/theme.css"):
        css = _static_file(f"/static/{sheet}").read_text(encoding="utf-8")
        baked = {hex_ for hex_ in re.findall(r"#[0-9a-fA-F]{6}\b", css) if hex_.lower() in BRAND_COLOURS}
        assert baked == set(), f"{sheet}: use var(--primary)/var(--accent) instead of {sorted(baked)}"
    classic = _static_file("/static/themes/classic/css/theme.css").read_text(encoding="utf-8")
    assert ".catnav a.active .cat-dot{outline:2px solid var(--primary)" in classic  # the selected-category ring
    assert ".banner .slide{background:linear-gradient(135deg,var(--accent),var(--primary))}" in classic
