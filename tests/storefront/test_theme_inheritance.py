"""Child themes: a theme ships only what differs from classic (blocks, texts, a stylesheet layered over
classic's) and inherits every other template and asset from classic."""

import json
import re

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.storefront.models import ThemeSettings
from tenant_apps.storefront.theming import theme_engine
from themes import registry

from .conftest import make_category, make_product

pytestmark = pytest.mark.django_db

CLASSIC_CSS = "/static/themes/classic/css/theme.css"


def use_theme(shop, slug: str, settings: dict | None = None) -> None:
    with tenant_context(shop):
        ThemeSettings.objects.create(theme=slug, version=registry.get_theme(slug).version, settings=settings or {})


def stylesheets(page: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)


def scripts(page: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', page)


def test_a_child_home_page_layers_its_stylesheet_texts_and_blocks_over_classic(shop_a, client_a):
    use_theme(shop_a, "beauty")
    with tenant_context(shop_a):
        make_product("丝绒口红", sales_count=50)

    page = client_a.get("/").content.decode()

    # the child's stylesheet after classic's, the child's body class and manifest texts
    assert stylesheets(page) == [CLASSIC_CSS, "/static/themes/beauty/css/theme.css"]
    assert '<body class="theme-beauty page-home">' in page
    assert 'placeholder="搜索口红、面霜"' in page
    assert "查看全部 ›" in page and "更多 ›" not in page
    # the child's blocks: the hero banner and the best-seller list in the first section
    assert '<section class="banner hero" aria-label="轮播图">' in page
    assert '<ol class="rank-list">' in page and '<b class="rank">1</b>' in page
    # everything else is classic's: its page skeleton, tab bar and scripts (the child ships no JS)
    assert '<nav class="tabbar" aria-label="主导航">' in page
    assert scripts(page) == [
        "/static/themes/classic/js/cart.js",
        "/static/themes/classic/js/member_prices.js",
        "/static/themes/classic/js/carousel.js",
        "/static/themes/classic/js/recommendations.js",
    ]


def test_a_child_inherits_the_pages_it_does_not_override_with_its_own_look(shop_a, client_a):
    use_theme(shop_a, "baby")
    with tenant_context(shop_a):
        product = make_product("纯棉连体衣", skus=[{"specs": {"尺码": "66"}, "price_amount": 8900, "stock": 3}])

    page = client_a.get(f"/p/{product.pk}").content.decode()

    assert "storefront/product.html" not in registry.get_theme("baby").templates  # classic's product page
    assert 'id="product-data"' in page  # ... with its spec picker data and scripts
    assert scripts(page) == [
        "/static/themes/classic/js/cart.js",
        "/static/themes/classic/js/member_prices.js",
        "/static/themes/classic/js/carousel.js",
        "/static/themes/classic/js/product.js",
        "/static/themes/classic/js/coupons.js",
        "/static/themes/classic/js/promotions.js",  # countdown of a limited-time discount
        "/static/themes/classic/js/recommendations.js",
    ]
    assert stylesheets(page) == [CLASSIC_CSS, "/static/themes/baby/css/theme.css"]
    assert 'class="theme-baby page-product"' in page
    assert 'placeholder="搜索奶粉、纸尿裤"' in page
    # an asset the child ships (its own placeholder picture) wins over classic's
    assert '<img src="/static/themes/baby/img/placeholder.svg" alt="">' in page


def test_child_blocks_extend_classic_blocks_rather_than_copy_them(shop_a, client_a):
    use_theme(shop_a, "baby", {"home_sections": [{"type": "product_grid", "title": "新品", "source": "new"}]})
    with tenant_context(shop_a):
        make_category("童装")
        make_product("软底学步鞋")

    page = client_a.get("/").content.decode()

    # baby's section title is classic's title plus its badge ({{ block.super }}), its grid is classic's
    assert '<h2>新品 <span class="safety">A 类婴幼儿标准</span></h2>' in page
    assert '<div class="grid">' in page and "软底学步鞋" in page
    assert '<nav class="age-shortcuts" aria-label="按月龄选购">' in page
    assert '<nav class="catnav" aria-label="分类">' in page  # classic's category nav, not replaced
    assert "更多 ›" in page  # baby names no more_link text: classic's


def test_the_classic_page_itself_is_unchanged_by_the_child_hooks(shop_a, client_a):
    page = client_a.get("/").content.decode()

    assert stylesheets(page) == [CLASSIC_CSS]
    assert '<body class="theme-classic page-home">' in page
    assert 'placeholder="搜索商品"' in page
    assert '<section class="banner" aria-label="轮播图">' in page


def test_registry_layers_stacking_assets_and_merges_texts_parent_first():
    fresh, classic = registry.get_theme("fresh"), registry.default_theme()

    assert fresh.asset_layers("css/theme.css") == ["themes/classic/css/theme.css", "themes/fresh/css/theme.css"]
    assert fresh.asset_layers("js/cart.js") == ["themes/classic/js/cart.js"]  # fresh ships no JS
    assert fresh.asset_layers("css/nothing.css") == []
    assert classic.asset_layers("css/theme.css") == ["themes/classic/css/theme.css"]
    assert fresh.asset_path("js/product.js") == "themes/classic/js/product.js"
    assert fresh.asset_path("img/placeholder.svg") == "themes/fresh/img/placeholder.svg"
    assert fresh.texts == {"search_placeholder": "Search fresh food", "more_link": "More ›"}
    assert classic.texts == {"search_placeholder": "Search products", "more_link": "More ›"}


def test_manifest_texts_must_be_strings(tmp_path):
    folder = tmp_path / "wordy"
    folder.mkdir()
    manifest = json.loads((registry.default_theme().path / "manifest.json").read_text())
    manifest.update(slug="wordy", texts={"search_placeholder": 3})
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(registry.ManifestError, match="texts"):
        registry.load_theme(folder)


@pytest.fixture
def template_free_theme(tmp_path, monkeypatch):
    """A theme folder with a manifest and a stylesheet only (no templates/), next to the real classic."""
    (tmp_path / "classic").symlink_to(registry.default_theme().path)
    folder = tmp_path / "plain"
    (folder / "static" / "css").mkdir(parents=True)
    (folder / "static" / "css" / "theme.css").write_text(".theme-plain .topbar{background:#000}\n")
    manifest = json.loads((registry.default_theme().path / "manifest.json").read_text())
    manifest.update(slug="plain", name="Plain", templates={}, texts={"search_placeholder": "搜一搜 Find"})
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))
    monkeypatch.setattr(registry, "THEMES_DIR", tmp_path)
    registry.reload_themes()
    yield registry.get_theme("plain")
    monkeypatch.undo()
    registry.reload_themes()
    theme_engine.cache_clear()


def test_a_theme_without_templates_renders_classic_pages_with_its_stylesheet_and_texts(
    shop_a, client_a, template_free_theme
):
    use_theme(shop_a, "plain")
    with tenant_context(shop_a):
        product = make_product("白瓷杯")

    home = client_a.get("/").content.decode()
    detail = client_a.get(f"/p/{product.pk}").content.decode()

    assert not template_free_theme.templates_dir.exists()
    for page in (home, detail):
        assert stylesheets(page) == [CLASSIC_CSS, "/static/themes/plain/css/theme.css"]
        assert 'placeholder="搜一搜 Find"' in page
        assert "/static/themes/plain/js/" not in page
    assert '<body class="theme-plain page-home">' in home and "更多 ›" in home
    assert "/static/themes/classic/js/product.js" in detail
