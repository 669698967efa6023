"""Storefront coupon pages render in zh-Hans in every theme; the product page carries the 领券 badge hook and
the checkout the coupon picker; 我的 links to 我的优惠券."""

import pytest
from django.core.cache import cache

from tenant_apps.storefront.models import ThemeSettings

from .conftest import in_shop

THEMES = ["classic", "baby", "beauty", "fresh"]


@pytest.mark.parametrize("theme", THEMES)
def test_coupon_pages_in_every_theme(shop_a, client_a, theme):
    in_shop(shop_a, lambda: ThemeSettings.objects.update_or_create(pk=1, defaults={"theme": theme, "settings": {}}))
    cache.clear()

    centre = client_a.get("/coupons")
    mine = client_a.get("/account/coupons")
    account = client_a.get("/account")
    checkout = client_a.get("/checkout")

    assert centre.status_code == mine.status_code == 200
    assert "领券中心" in centre.content.decode() and "js/coupons.js" in centre.content.decode()
    assert "我的优惠券" in mine.content.decode() and "待支付订单占用" in mine.content.decode()
    assert 'href="/account/coupons"' in account.content.decode()
    assert "data-coupon-picker" in checkout.content.decode() and "可省 {amount}" in checkout.content.decode()


def test_product_page_has_the_badge_hook(shop_a, client_a, catalog_a):
    page = client_a.get(f"/p/{catalog_a.tea.product_id}").content.decode()
    assert "data-coupon-badge" in page and "领券" in page
