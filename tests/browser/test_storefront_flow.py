"""A shopper's first minutes, in a real browser: home -> search in Chinese -> product -> pick an SKU -> cart."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Brand, Category, Product
from tenant_apps.checkout.models import Cart
from tenant_apps.storefront.models import ThemeSettings

from ..storefront.conftest import make_category, make_product
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dress_shop(shop_a):
    """Committed rows (the live server reads them from another connection), removed afterwards."""
    with tenant_context(shop_a):
        category = make_category("女装")
        dress = make_product(
            "夏季碎花连衣裙",
            category=category,
            sales_count=120,
            description_html="<p>雪纺面料，清爽透气。</p>",
            skus=[
                {"specs": {"颜色": "红色", "尺码": "S"}, "price_amount": 19900, "stock": 5, "compare_at_amount": 25900},
                {"specs": {"颜色": "红色", "尺码": "M"}, "price_amount": 20900, "stock": 2},
                {"specs": {"颜色": "蓝色", "尺码": "S"}, "price_amount": 18900, "stock": 1},
                {"specs": {"颜色": "蓝色", "尺码": "M"}, "price_amount": 18900, "stock": 0},
            ],
        )
        make_product("纯棉白色T恤", category=category, sales_count=300, skus=[{"price_amount": 5900, "stock": 9}])
        make_product("Summer Dress", sales_count=5, skus=[{"price_amount": 29900, "stock": 3}])
    try:
        yield dress
    finally:
        with tenant_context(shop_a):
            Cart.objects.all().delete()
            Product.objects.all().delete()
            Category.objects.all().delete()
            Brand.objects.all().delete()
            ThemeSettings.objects.all().delete()


def test_search_open_product_pick_sku_and_add_to_cart(live_server, dress_shop, browser_page):
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"

    page.goto(base + "/")
    assert page.title() == "Shop alpha"
    # visible sections only: 猜你喜欢 stays hidden until the shop has something to suggest
    assert page.locator(".section:visible h2").all_inner_texts() == ["新品推荐", "热销商品"]
    assert page.locator(".catnav a").first.inner_text().endswith("女装")
    page.screenshot(path=str(ARTIFACTS / "storefront-home.png"), full_page=True)

    page.fill("input[name=q]", "连衣裙")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator(".card-title").all_inner_texts() == ["夏季碎花连衣裙"]
    page.screenshot(path=str(ARTIFACTS / "storefront-search.png"), full_page=True)

    page.click("text=夏季碎花连衣裙")
    page.wait_for_url(f"**/p/{dress_shop.pk}")
    assert page.locator("[data-price]").inner_text() == "¥189.00 - ¥209.00"
    assert page.locator("[data-add-to-cart]").is_disabled()

    page.click("button.spec-value[data-value='蓝色']")
    # Blue in M is sold out: that combination cannot be picked.
    assert page.locator("button.spec-value[data-value='M']").is_disabled()
    assert page.locator("button.spec-value[data-value='S']").is_enabled()
    page.click("button.spec-value[data-value='S']")
    assert page.locator("[data-price]").inner_text() == "¥189.00"
    assert page.locator("[data-stock]").inner_text() == "库存 1 件"

    page.click("button.spec-value[data-value='红色']")
    assert page.locator("[data-price]").inner_text() == "¥199.00"
    assert page.locator("[data-compare]").inner_text() == "¥259.00"
    assert page.locator("button.spec-value[data-value='M']").is_enabled()
    page.screenshot(path=str(ARTIFACTS / "storefront-product.png"), full_page=True)

    page.click("[data-add-to-cart]")
    page.wait_for_selector("[data-toast]:has-text('已加入购物车')")
    assert page.locator(".buybar [data-cart-count]").inner_text() == "1"
    page.goto(base + "/cart")
    page.wait_for_selector("[data-cart-page][data-loaded]")
    assert page.locator(".cart-line a").all_inner_texts() == ["夏季碎花连衣裙"]
    # the label follows the picker (颜色 then 尺码), not the jsonb key order the SKU comes back in
    assert page.locator(".cart-line .specs-text").all_inner_texts() == ["红色 / S"]
    assert page.locator("[data-cart-total]").inner_text() == "¥199.00"
    # Quantity and totals come from the server cart.
    page.click(".cart-line .qty button[aria-label='增加']")
    page.wait_for_selector(".cart-line [data-qty]:has-text('2')")
    assert page.locator("[data-cart-total]").inner_text() == "¥398.00"
    assert page.locator("[data-cart-checkout]").get_attribute("href") == "/checkout"
    page.screenshot(path=str(ARTIFACTS / "storefront-cart.png"), full_page=True)
    # Unselected: out of the total, no checkout; removed: an empty cart shows no checkout bar.
    page.uncheck(".cart-line input[type=checkbox]")
    page.wait_for_selector("[data-cart-checkout].disabled")
    assert page.locator("[data-cart-total]").inner_text() == "¥0.00"
    page.click(".cart-line .remove")
    page.wait_for_selector("[data-cart-empty]:visible")
    assert page.locator("[data-cart-bar]").is_hidden()


def test_themed_404_in_the_browser(live_server, dress_shop, browser_page):
    response = browser_page.goto(f"http://alpha.localhost:{live_server.thread.port}/no-such-page")

    assert response.status == 404
    assert browser_page.locator(".notfound h1").inner_text() == "页面不存在"
