"""Coupons end to end in a real browser on a phone: the shopper claims a coupon in 领券中心, sees the 领券 badge
on the product page, picks the coupon at checkout (the picker shows what it saves), pays, and finds the coupon
used in 我的优惠券."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.coupons import services as coupon_services
from tenant_apps.coupons.models import MemberCoupon
from tenant_apps.events.services import drain_due_events
from tenant_apps.orders.models import Order

from ..storefront.conftest import make_product
from .conftest import ARTIFACTS
from .shopping import add_to_cart_and_check_out, fill_new_address, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_claim_pick_at_checkout_pay_and_see_it_used(live_server, shop, browser_page, settings):
    settings.DEBUG = True  # the test payment button exists only in development
    now = timezone.now()
    with tenant_context(shop):
        tea = make_product("明前龙井 250g", skus=[{"specs": {}, "price_amount": 12900, "stock": 5}])
        coupon_services.create_coupon(
            name="满100减20", kind="fixed", amount=2000, threshold_amount=10000, total_quantity=10,
            valid_from=now - timedelta(days=1), valid_to=now + timedelta(days=30),
        )  # fmt: skip
        coupon_services.create_coupon(
            name="无门槛5元", kind="fixed", amount=500, total_quantity=10,
            valid_from=now - timedelta(days=1), valid_to=now + timedelta(days=30),
        )  # fmt: skip
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"

    page.goto(base + "/account")
    register(page, "coupons@example.com")
    page.wait_for_selector("[data-my-orders]:visible")

    # 领券中心: claim both; the button turns to 已领取.
    page.goto(base + "/coupons")
    card = page.locator(".coupon-card[data-coupon-name='满100减20']")
    card.wait_for()
    assert "满 ¥100.00 减 ¥20.00" in card.inner_text()
    card.locator("button:has-text('立即领取')").click()
    page.wait_for_selector(".coupon-card[data-coupon-name='满100减20'] button:has-text('已领取')")
    page.locator(".coupon-card[data-coupon-name='无门槛5元'] button:has-text('立即领取')").click()
    page.wait_for_selector(".coupon-card[data-coupon-name='无门槛5元'] button:has-text('已领取')")
    page.screenshot(path=str(ARTIFACTS / "coupons-centre.png"), full_page=True)

    # The product page shows 领券 with the best coupon; buy now through the cart.
    page.goto(f"{base}/p/{tea.pk}")
    page.wait_for_selector("[data-coupon-badge]:visible")
    assert "领券" in page.locator("[data-coupon-badge]").inner_text()
    add_to_cart_and_check_out(page, base)
    fill_new_address(page)
    page.wait_for_selector("[data-total]:has-text('¥129.00')")

    # The picker lists both coupons, best first, with what each saves; picking one reprices the order.
    page.wait_for_selector("[data-coupon-picker]:visible .coupon-option")
    options = page.locator(".coupon-option").all_inner_texts()
    assert "可省 ¥20.00" in options[0] and "可省 ¥5.00" in options[1] and "不使用优惠券" in options[2]
    page.locator(".coupon-option").first.locator("input").check()
    page.wait_for_selector("[data-total]:has-text('¥109.00')")
    assert page.locator("[data-discount]").inner_text() == "-¥20.00"
    page.screenshot(path=str(ARTIFACTS / "coupons-checkout.png"), full_page=True)
    page.click("[data-place-order]")
    page.wait_for_url(re.compile(r".*/orders/\d+/pay$"))
    page.wait_for_selector("[data-total]:has-text('¥109.00')")
    order_id = int(page.url.split("/")[-2])
    page.click("[data-pay=test]")
    page.wait_for_url(f"**/orders/{order_id}/result")
    page.wait_for_selector("[data-result-title]:has-text('支付成功')")
    with tenant_context(shop):
        drain_due_events()  # what the Celery drain does right after the payment commits

    # 我的 → 我的优惠券: the coupon is under 已使用 with its order; the other one still unused.
    page.goto(base + "/account")
    page.click("[data-my-coupons]")
    page.wait_for_url("**/account/coupons")
    page.wait_for_selector(".coupon-card[data-coupon-name='无门槛5元']")
    assert page.locator(".coupon-card").count() == 1
    page.click("[data-status=used]")
    page.wait_for_selector(".coupon-card.is-used[data-coupon-name='满100减20']")
    assert "订单" in page.locator(".coupon-card.is-used").inner_text()
    page.screenshot(path=str(ARTIFACTS / "coupons-mine-used.png"), full_page=True)

    with tenant_context(shop):
        order = Order.objects.get(pk=order_id)
        used = MemberCoupon.objects.get(name="满100减20")
        assert (order.status, order.total_amount, order.coupon_code) == ("paid", 10900, used.code)
        assert (used.status, used.order_id) == ("used", order_id)
