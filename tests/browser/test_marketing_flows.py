"""Marketing in a real browser (phone-sized Chromium, 390 px):

- 满减: a "满100减20" rule on the tea; the shopper's checkout preview shows the discount and the lower total, and
  the paid order shows the same discount;
- 砍价: shopper A starts a bargain from the activity page, shopper B (another browser) opens the shared link,
  registers and helps it down to the floor, A pays the bargained price, and the charged price equals the one the
  share page displayed.

The Celery drain that delivers order.paid is run by the test right after each payment, as the worker would."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.bargains.models import BargainSession
from tenant_apps.orders.models import Order
from tenant_apps.promotions import services as promotions
from tests.orders.conftest import make_catalog

from ..bargains.conftest import make_bargain
from .conftest import ARTIFACTS
from .shopping import add_address_and_pay, add_to_cart_and_check_out, another_phone, register, sign_up_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_threshold_reduction_shows_at_checkout_and_on_the_paid_order(live_server, shop, browser_page, settings):
    settings.DEBUG = True  # the test payment button
    catalog = make_catalog(shop)
    now = timezone.now()
    with tenant_context(shop):
        promotions.create_rule(
            name="满100减20", kind="threshold_reduce", publish=True, starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1), tiers=[{"threshold_amount": 10000, "reduce_amount": 2000}],
        )  # fmt: skip
    page = browser_page
    base = f"http://alpha.localhost:{live_server.thread.port}"

    page.goto(base + "/account")
    register(page, "shopper@example.com")
    page.wait_for_selector("[data-my-orders]:visible")
    page.goto(f"{base}/p/{catalog.tea.product_id}")
    add_to_cart_and_check_out(page, base)
    preview = str(ARTIFACTS / "promotion-checkout.png")
    order_id = add_address_and_pay(page, shop, total="¥109.00", discount="-¥20.00", screenshot=preview)

    page.goto(f"{base}/orders/{order_id}")
    page.wait_for_selector("[data-status]:has-text('待发货')")
    assert page.locator("[data-discount]").inner_text() == "-¥20.00"
    assert page.locator("[data-applied] li").all_inner_texts() == ["满100减20\n-¥20.00"]
    assert "¥109.00" in page.locator("[data-total]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "promotion-paid-order.png"), full_page=True)
    with tenant_context(shop):
        order = Order.objects.get(pk=order_id)
        assert (order.status, order.discount_amount, order.total_amount) == ("paid", 2000, 10900)
        assert any(row.get("name") == "满100减20" for row in order.applied)


def test_a_friend_helps_a_bargain_down_and_the_owner_pays_the_displayed_price(
    live_server,
    shop,
    browser_page,
    settings,
):
    settings.DEBUG = True
    catalog = make_catalog(shop)
    activity = make_bargain(shop, catalog.tea, helpers_needed=1)  # one help lands on the floor, ¥99.00
    base = f"http://alpha.localhost:{live_server.thread.port}"
    owner = browser_page

    owner.goto(f"{base}/bargains/{activity.pk}")
    owner.wait_for_selector("[data-bg-start]:visible")
    sign_up_through(owner, "[data-bg-start]", "owner@example.com", f"**/bargains/{activity.pk}")
    owner.wait_for_selector("[data-bg-start]:visible")
    owner.click("[data-bg-start]")
    owner.wait_for_url(re.compile(r".*/bargain-sessions/\d+$"))
    owner.wait_for_selector("[data-bg-current]:has-text('¥129.00')")
    link = owner.locator("[data-bg-link]").input_value()
    session_id = int(link.rsplit("/", 1)[-1])
    assert link == f"{base}/bargain-sessions/{session_id}"
    assert owner.locator("[data-bg-poster]").get_attribute("href") == (
        f"/api/v1/store/bargain-sessions/{session_id}/poster.png"
    )
    assert owner.locator("[data-bg-buy]").is_disabled()  # not at the floor yet
    owner.screenshot(path=str(ARTIFACTS / "bargain-started.png"), full_page=True)

    with another_phone(owner) as friend:  # nothing shared with the owner but the link
        friend.goto(link)
        friend.wait_for_selector("[data-bg-help]:visible")
        sign_up_through(friend, "[data-bg-help]", "friend@example.com", f"**/bargain-sessions/{session_id}")
        friend.wait_for_selector("[data-bg-help]:visible")
        friend.click("[data-bg-help]")
        friend.wait_for_selector("[data-bg-state]:has-text('已砍到底价')")
        assert friend.locator("[data-bg-current]").inner_text() == "¥99.00"
        friend.screenshot(path=str(ARTIFACTS / "bargain-helped-friend.png"), full_page=True)

    owner.reload()
    owner.wait_for_selector("[data-bg-state]:has-text('已砍到底价')")
    shown = owner.locator("[data-bg-current]").inner_text()
    assert shown == "¥99.00"
    buy = owner.locator("[data-bg-buy]")
    assert buy.is_enabled() and "¥99.00" in buy.inner_text()
    buy.click()
    owner.wait_for_url(re.compile(r".*/checkout\?.*activity=bargain.*"))
    order_id = add_address_and_pay(owner, shop, total=shown)
    owner.goto(f"{base}/bargain-sessions/{session_id}")
    owner.wait_for_selector("[data-bg-order]:visible")
    owner.screenshot(path=str(ARTIFACTS / "bargain-ordered.png"), full_page=True)
    with tenant_context(shop):
        order = Order.objects.get(pk=order_id)
        session = BargainSession.objects.get(pk=session_id)
        assert (order.status, order.total_amount) == ("paid", session.current_price_amount)
        assert (session.status, session.order_id, session.current_price_amount) == ("ordered", order_id, 9900)
