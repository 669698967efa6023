"""Storefront HTML pages rendered by the shop's theme; theme choice and settings; themed 404; QR codes."""

import re

import pytest
from django.contrib.staticfiles import finders
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import ProductStatus
from tenant_apps.storefront.models import ThemeSettings
from themes import registry

from .conftest import make_category, make_product

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_home_has_banner_category_nav_and_theme_sections(shop_a, client_a):
    with tenant_context(shop_a):
        make_category("女装")
        make_product("新品连衣裙", sales_count=1)
        make_product("爆款T恤", sales_count=99)

    page = html(client_a.get("/"))

    assert 'class="banner"' in page
    assert "/static/themes/classic/img/banner-1.svg" in page
    assert ">女装</a>" in page.replace('<span class="cat-dot">女</span>', "")
    assert "<h2>新品推荐</h2>" in page and "<h2>热销商品</h2>" in page
    new_section, hot_section = page.split("<h2>新品推荐</h2>")[1].split("<h2>热销商品</h2>")
    assert new_section.index("爆款T恤") < new_section.index("新品连衣裙")  # newest first
    assert hot_section.index("爆款T恤") < hot_section.index("新品连衣裙")  # best sellers first
    assert "/static/themes/classic/css/theme.css" in page
    assert "--primary:#e4393c" in page


def test_shop_template_picks_the_theme_and_stored_settings_override_defaults(shop_a, client_a):
    shop_a.template = "classic"
    shop_a.save(update_fields=["template"])
    with tenant_context(shop_a):
        cat = make_category("家居")
        make_product("香薰蜡烛", category=cat)
        ThemeSettings.objects.create(
            theme="classic",
            version="1.0.0",
            settings={
                "colors": {"primary": "#123456"},
                "announcement": "双十一大促",
                "home_sections": [
                    {"type": "product_grid", "title": "家居精选", "source": "category", "category": cat.slug}
                ],
                "unknown_key": 1,
            },
        )

    page = html(client_a.get("/"))

    assert "--primary:#123456" in page
    assert "--accent:#ff5000" in page  # default kept for the colour not set
    assert "双十一大促" in page
    assert "<h2>家居精选</h2>" in page and "香薰蜡烛" in page
    assert "<h2>新品推荐</h2>" not in page


def test_unknown_shop_template_falls_back_to_the_default_theme(shop_a, client_a):
    shop_a.template = "no-such-theme"
    shop_a.save(update_fields=["template"])

    response = client_a.get("/")

    assert response.status_code == 200
    assert "/static/themes/classic/css/theme.css" in html(response)


def test_search_page_finds_chinese_keyword(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("夏季碎花连衣裙")
        make_product("男士衬衫")

    page = html(client_a.get("/search", {"q": "连衣裙"}))

    assert "夏季碎花连衣裙" in page
    assert "男士衬衫" not in page
    assert "共 1 件商品" in page


def test_search_page_ignores_bad_filters_with_a_note(shop_a, client_a):
    with tenant_context(shop_a):
        make_product("杯子")

    response = client_a.get("/search", {"sort": "bogus", "min_price": "x"})

    assert response.status_code == 200
    assert "筛选条件无效" in html(response)
    assert "杯子" in html(response)


def test_category_page_lists_the_subtree(shop_a, client_a):
    with tenant_context(shop_a):
        women = make_category("女装")
        dresses = make_category("连衣裙", parent=women)
        make_product("长款连衣裙", category=dresses)
        make_product("男士衬衫", category=make_category("男装"))

    page = html(client_a.get(f"/c/{women.pk}"))

    assert '<h1 class="page-title">女装</h1>' in page
    assert "长款连衣裙" in page and "男士衬衫" not in page
    assert client_a.get("/c/no-such-category").status_code == 404


def test_product_page_has_gallery_spec_picker_data_share_link_and_qr(shop_a, client_a):
    with tenant_context(shop_a):
        product = make_product(
            "碎花连衣裙",
            images=["shops/test_alpha/products/1.jpg"],
            description_html="<p>真丝</p>",
            skus=[
                {"specs": {"颜色": "红"}, "price_amount": 19900, "stock": 3},
                {"specs": {"颜色": "蓝"}, "price_amount": 18900, "stock": 0},
            ],
        )

    page = html(client_a.get(f"/p/{product.pk}"))

    assert "<title>碎花连衣裙 · Shop alpha</title>" in page
    assert "/media/shops/test_alpha/products/1.jpg" in page
    assert 'data-group="颜色" data-value="红"' in page and 'data-value="蓝"' in page
    assert "¥189.00" in page  # the lowest SKU price before a choice
    assert "<p>真丝</p>" in page
    assert f'value="http://alpha.localhost/p/{product.pk}"' in page
    assert f'src="/p/{product.pk}/qr.svg"' in page
    data = re.search(r'<script id="product-data" type="application/json">(.*?)</script>', page).group(1)
    assert '"price_amount": 18900' in data and '"stock": 0' in data


def test_product_qr_code_is_svg_of_the_share_link(shop_a, client_a):
    with tenant_context(shop_a):
        product = make_product("杯子")

    response = client_a.get(f"/p/{product.pk}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_unknown_paths_and_hidden_products_get_the_themed_404(shop_a, client_a):
    with tenant_context(shop_a):
        draft = make_product("草稿", status=ProductStatus.DRAFT)

    for path in ("/no/such/page", f"/p/{draft.pk}", "/p/987654321", f"/p/{draft.pk}/qr.svg"):
        response = client_a.get(path)
        assert response.status_code == 404, path
        assert "页面不存在" in html(response)
        assert "/static/themes/classic/css/theme.css" in html(response)


def test_unknown_api_path_on_a_shop_host_stays_json(shop_a, client_a):
    response = client_a.get("/api/v1/store/nothing-here")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_cart_page_shell(shop_a, client_a):
    page = html(client_a.get("/cart"))

    assert "data-cart-page" in page and "购物车" in page


def test_shop_b_pages_do_not_show_shop_a_products(shop_a, shop_b, client_b):
    with tenant_context(shop_a):
        product = make_product("A店独家商品")

    assert "A店独家商品" not in html(client_b.get("/"))
    assert "A店独家商品" not in html(client_b.get("/search", {"q": "独家"}))
    assert client_b.get(f"/p/{product.pk}").status_code == 404


def test_theme_static_files_are_found_under_their_prefix():
    assert finders.find("themes/classic/css/theme.css").endswith("themes/classic/static/css/theme.css")
    assert finders.find("themes/classic/js/product.js")


@pytest.mark.parametrize("slug", [theme.slug for theme in registry.available_themes()])
def test_every_theme_renders_every_page_with_existing_static_files(shop_a, client_a, slug):
    shop_a.template = slug
    shop_a.save(update_fields=["template"])
    with tenant_context(shop_a):
        category = make_category("女装")
        product = make_product(
            "碎花连衣裙", category=category, skus=[{"specs": {"颜色": "红"}, "price_amount": 100, "stock": 1}]
        )

    for path, status in [
        ("/", 200),
        ("/search?q=连衣裙", 200),
        (f"/c/{category.pk}", 200),
        (f"/p/{product.pk}", 200),
        ("/cart", 200),
        ("/nope", 404),
    ]:
        response = client_a.get(path)
        assert response.status_code == status, (slug, path)
        for url in set(re.findall(r'(?:src|href)="/static/([^"]+)"', html(response))):
            assert finders.find(url), (slug, path, url)
        if path.startswith("/p/"):
            assert "js/product.js" in html(response)
