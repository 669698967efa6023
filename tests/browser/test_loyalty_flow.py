"""签到 and 积分 in a real phone-sized browser: a shopper registers, checks in (the calendar marks today, a second
tap is impossible), sees the points on 我的 and in the history of 我的积分, and the checkout offers the points."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, ProductStatus, Sku
from tenant_apps.loyalty import services
from tests.committed import truncate_shop_tables

from .conftest import ARTIFACTS
from .test_distribution_flow import register_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loyalty_shop(shop_a):
    with tenant_context(shop_a):
        services.update_settings(checkin_rewards=[500], redeem_points_per_yuan=100, max_redeem_percent=50)
        product = Product.objects.create(title="西湖龙井", status=ProductStatus.ACTIVE, min_price_amount=12900)
        sku = Sku.objects.create(product=product, code="TEA", price_amount=12900, stock=10)
    yield shop_a, sku
    truncate_shop_tables(shop_a)  # the live server committed members, orders, events


def test_check_in_then_see_points_and_use_them_at_checkout(live_server, loyalty_shop, browser_page):
    _shop, sku = loyalty_shop
    base = f"http://alpha.localhost:{live_server.thread.port}"
    page = browser_page

    register_at(page, base, "13812345678")
    page.goto(base + "/checkin")
    page.locator("[data-loyalty-main]").wait_for(state="visible")
    assert "0" in page.locator("[data-streak]").inner_text()
    page.click("[data-checkin]")
    page.locator("[data-calendar] li.done").wait_for()
    assert page.locator("[data-checkin]").is_disabled()
    assert "1" in page.locator("[data-streak]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "loyalty-checkin.png"), full_page=True)

    page.goto(base + "/account")
    page.locator("[data-member-loyalty]").wait_for(state="visible")
    assert page.locator("[data-member-points]").inner_text() == "500"

    page.goto(base + "/points")
    page.locator("[data-loyalty-main]").wait_for(state="visible")
    assert page.locator("[data-balance]").inner_text() == "500"
    assert "签到" in page.locator("[data-entries]").inner_text()

    # the cart holds the tea; at checkout 500 points (¥5.00) can pay part of ¥129
    status = page.evaluate(
        """async (skuId) => {
          const headers = {"Content-Type": "application/json",
                           "Authorization": "Bearer " + localStorage.getItem("mm-member-token")};
          const r = await fetch("/api/v1/store/cart/items", {method: "POST", headers,
                                body: JSON.stringify({sku_id: skuId, quantity: 1})});
          return r.status;
        }""",
        sku.pk,
    )
    assert status in (200, 201)
    page.goto(base + "/checkout")
    page.locator("[data-points-toggle]").wait_for(state="visible")
    assert "500" in page.locator("[data-points-text]").inner_text()
    assert "¥5.00" in page.locator("[data-points-text]").inner_text()
    before = page.locator("[data-total]").inner_text()
    page.check("[data-use-points]")
    page.wait_for_function("document.querySelector('[data-total]').textContent.indexOf('124.00') >= 0")
    assert before != page.locator("[data-total]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "loyalty-checkout.png"), full_page=True)
