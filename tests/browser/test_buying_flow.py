"""A purchase end to end in a real browser: a shopper on a phone registers, adds a product to the cart, checks out
with a new address, pays with the test gateway and sees 待发货; the merchant ships it in the back office on a
1280 px screen; the shopper sees the parcel, confirms receipt and the order is 已完成."""

import re

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.orders.models import Order
from tests.conftest import staff_of
from tests.factories import PASSWORD

from ..storefront.conftest import make_product
from .conftest import ARTIFACTS
from .shopping import add_to_cart_and_check_out, fill_new_address, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shopper_buys_merchant_ships_shopper_confirms(live_server, shop, browser_page, settings):
    settings.DEBUG = True  # the test payment button exists only in development
    with tenant_context(shop):
        tea = make_product("明前龙井 250g", skus=[{"specs": {}, "price_amount": 12900, "stock": 5}])
    owner = staff_of(shop)
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"

    # The shopper registers on 我的, then buys.
    page.goto(base + "/account")
    register(page, "buyer@example.com")
    page.wait_for_selector("[data-my-orders]:visible")

    page.goto(f"{base}/p/{tea.pk}")
    add_to_cart_and_check_out(page, base)

    # No address yet: the form is open; the new address is picked and the preview priced by the server.
    fill_new_address(page)
    page.wait_for_selector("[data-total]:has-text('¥129.00')")
    assert page.locator(".order-line .title").all_inner_texts() == ["明前龙井 250g"]
    page.screenshot(path=str(ARTIFACTS / "buying-checkout.png"), full_page=True)
    page.click("[data-place-order]")
    page.wait_for_url(re.compile(r".*/orders/\d+/pay$"))
    page.wait_for_selector("[data-total]:has-text('¥129.00')")
    page.screenshot(path=str(ARTIFACTS / "buying-pay.png"), full_page=True)
    order_id = int(page.url.split("/")[-2])

    page.click("[data-pay=test]")
    page.wait_for_url(f"**/orders/{order_id}/result")
    page.wait_for_selector("[data-result-title]:has-text('支付成功')")
    page.screenshot(path=str(ARTIFACTS / "buying-result.png"), full_page=True)
    page.click("[data-order-link]")
    page.wait_for_selector("[data-status]:has-text('待发货')")
    page.goto(base + "/orders?tab=to_ship")
    page.wait_for_selector(".order-card")
    assert page.locator(".order-card .state").all_inner_texts() == ["待发货"]
    page.screenshot(path=str(ARTIFACTS / "buying-orders-to-ship.png"), full_page=True)

    # The merchant ships it from the back office on a desktop screen.
    admin_context = page.context.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    admin = admin_context.new_page()
    admin.set_default_timeout(10_000)
    admin.goto(base + "/admin/login/")
    admin.fill("input[name=username]", owner.email)
    admin.fill("input[name=password]", PASSWORD)
    admin.press("input[name=password]", "Enter")
    admin.wait_for_url("**/admin/")
    admin.goto(f"{base}/admin/orders/order/?status__exact=paid")
    admin.click(f"a[href='/admin/orders/order/{order_id}/ship/']")
    admin.select_option("select[name=carrier]", "sf")
    admin.fill("input[name=tracking_number]", "SF1234567890")
    admin.screenshot(path=str(ARTIFACTS / "buying-backoffice-ship.png"), full_page=True)
    admin.click("[data-ship-submit]")
    admin.wait_for_url(f"**/admin/orders/order/{order_id}/change/")
    assert "SF1234567890" in admin.content()
    admin.screenshot(path=str(ARTIFACTS / "buying-backoffice-shipped.png"), full_page=True)
    admin_context.close()

    # The shopper sees the parcel and confirms receipt.
    page.goto(f"{base}/orders/{order_id}")
    page.wait_for_selector("[data-status]:has-text('待收货')")
    assert "顺丰速运" in page.locator("[data-shipments]").inner_text()
    assert "SF1234567890" in page.locator("[data-shipments]").inner_text()
    visible = [b.get_attribute("data-action") for b in page.locator("[data-action]").all() if b.is_visible()]
    assert visible == ["confirm", "aftersale"]
    assert page.locator("[data-aftersales-card]").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "buying-to-receive.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-action=confirm]")
    page.wait_for_selector("[data-status]:has-text('已完成')")
    assert page.locator("[data-action=confirm]").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "buying-completed.png"), full_page=True)

    with tenant_context(shop):
        order = Order.objects.get(pk=order_id)
        assert (order.status, order.total_amount, order.ship_name) == ("completed", 12900, "张三")


def test_shopper_asks_for_a_return_on_a_phone(live_server, shop, browser_page, settings):
    from tenant_apps.orders import services
    from tests.orders.conftest import make_buyer, make_catalog, place

    settings.DEBUG = True
    catalog = make_catalog(shop)
    buyer = make_buyer(shop, "buyer2@example.com")
    order = place(buyer, (catalog.tea.pk, 2)).json()
    buyer.client.post(f"/api/v1/store/orders/{order['id']}/pay", {"method": "test"}, content_type="application/json")
    with tenant_context(shop):
        services.ship_order(order_id=order["id"], carrier="yunda", tracking_number="YD31415926")
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"
    page.goto(base + "/account")
    page.evaluate("token => localStorage.setItem('mm-member-token', token)", buyer.token)

    page.goto(f"{base}/orders/{order['id']}/aftersale")
    page.wait_for_selector("[data-aftersale-form]:visible")
    assert page.locator("select[name=type]").input_value() == "return_refund"  # shipped: no refund-only
    assert page.locator("option[value=refund]").is_disabled()
    page.fill("[data-line-id]", "1")
    page.fill("textarea[name=reason]", "包装破损")
    page.screenshot(path=str(ARTIFACTS / "buying-aftersale-form.png"), full_page=True)
    page.click("[data-aftersale-form] button[type=submit]")
    page.wait_for_url(f"**/orders/{order['id']}")
    page.wait_for_selector("[data-aftersales-card]:visible")
    assert "退货退款 · 待处理 · 退款 ¥129.00" in page.locator("[data-aftersales]").inner_text()
    page.goto(base + "/orders?tab=aftersales")
    page.wait_for_selector(".order-card")
    assert "退货退款" in page.locator(".order-card").inner_text()
    page.screenshot(path=str(ARTIFACTS / "buying-aftersales-tab.png"), full_page=True)
