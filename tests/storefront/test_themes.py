"""Theme registry: manifests, settings validation against the theme's JSON Schema, merging with defaults."""

import json

import pytest

from themes import registry


def test_classic_manifest_loads_with_defaults():
    theme = registry.get_theme("classic")

    assert theme.name == "Classic"
    assert theme.version == "1.0.0"
    assert theme.preview_path == "themes/classic/img/preview.png"
    assert (theme.path / theme.preview).is_file()
    assert theme.defaults()["colors"]["primary"] == "#e4393c"
    assert [s["source"] for s in theme.defaults()["home_sections"]] == ["new", "sales"]
    assert set(theme.templates) == {
        "home", "category", "categories", "search", "product", "cart", "account", "not_found",
        "checkout", "pay", "pay_result", "orders", "order", "aftersale", "distribution",
        "coupons", "my_coupons", "checkin", "points", "group_buy", "group", "flash_sales", "bargain",
        "bargain_session", "my_bargains",
    }  # fmt: skip
    assert all((theme.templates_dir / name).is_file() for name in theme.templates.values())


def test_every_theme_folder_is_a_valid_theme():
    themes = registry.available_themes()
    slugs = [theme.slug for theme in themes]
    default = registry.default_theme()

    for theme in themes:
        for page, name in theme.templates.items():
            assert (theme.templates_dir / name).is_file() or (default.templates_dir / name).is_file(), (
                theme.slug,
                page,
            )
        assert (theme.path / theme.preview).is_file(), theme.slug

    assert "classic" in slugs
    assert registry.default_theme().slug == "classic"
    assert registry.theme_or_default("missing").slug == "classic"


def test_valid_partial_settings_have_no_errors():
    theme = registry.default_theme()

    assert registry.validate_settings(theme, {"colors": {"primary": "#000000"}, "show_category_nav": False}) == {}


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"nope": 1}, "nope"),
        ({"colors": {"primary": "red"}}, "colors.primary"),
        ({"colors": {"shadow": "#000000"}}, "colors.shadow"),
        ({"show_category_nav": "yes"}, "show_category_nav"),
        ({"logo_url": "javascript:alert(1)"}, "logo_url"),
        ({"home_sections": [{"type": "product_grid", "source": "new", "limit": 99}]}, "home_sections.0.limit"),
        ({"home_sections": [{"type": "video", "source": "new"}]}, "home_sections.0.type"),
        ({"banner_slides": [{"title": "no image"}]}, "banner_slides.0"),
        ({"announcement": "长" * 81}, "announcement"),
    ],
)
def test_invalid_settings_name_the_field(settings, field):
    assert list(registry.validate_settings(registry.default_theme(), settings)) == [field]


def test_merge_keeps_defaults_drops_unknown_and_invalid_values():
    theme = registry.default_theme()

    merged = registry.merged_settings(theme, {"colors": {"primary": "#111111"}, "bogus": 1, "logo_url": "javascript:x"})

    assert merged["colors"] == {"primary": "#111111", "accent": "#ff5000", "background": "#f5f5f5", "text": "#222222"}
    assert "bogus" not in merged
    assert merged["logo_url"] == ""


def test_a_manifest_without_defaults_is_refused(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    manifest = json.loads((registry.default_theme().path / "manifest.json").read_text())
    manifest["slug"] = "broken"
    del manifest["settings_schema"]["properties"]["footer_text"]["default"]
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(registry.ManifestError, match="footer_text"):
        registry.load_theme(folder)
