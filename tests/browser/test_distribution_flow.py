"""分销 in a real browser: a shopper becomes a distributor and shares the link, a friend opens it, registers
(the ref cookie binds them), buys and pays (test gateway), and the commission shows as pending in the centre."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, ProductStatus, Sku
from tenant_apps.distribution import services
from tenant_apps.events.services import drain_due_events
from tenant_apps.members.models import Member
from tests.committed import truncate_shop_tables
from tests.orders.conftest import make_address

from .conftest import ARTIFACTS
from .shopping import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def distribution_shop(shop_a, settings):
    settings.DEBUG = True  # the test payment gateway
    with tenant_context(shop_a):
        services.update_settings(
            enabled=True, levels=2, rates_bps=[1000, 500], freeze_days=7, min_withdrawal_amount=100,
            self_purchase_commission=False, auto_approve=True,
        )  # fmt: skip
        product = Product.objects.create(title="西湖龙井", status=ProductStatus.ACTIVE, min_price_amount=12900)
        sku = Sku.objects.create(product=product, code="TEA", price_amount=12900, stock=10)
    yield shop_a, sku
    truncate_shop_tables(shop_a)  # the live server committed members, orders, events


def register_at(page, base: str, login: str) -> None:
    page.goto(base + "/account")
    register(page, login)
    page.locator("[data-signed-in]").wait_for(state="visible")


def test_shared_link_registration_purchase_shows_pending_commission(live_server, distribution_shop, browser_page):
    shop, sku = distribution_shop
    base = f"http://alpha.localhost:{live_server.thread.port}"
    seller = browser_page

    register_at(seller, base, "seller@example.com")
    seller.goto(base + "/distribution")
    seller.click("[data-dist-apply-button]")
    seller.locator("[data-dist-main]").wait_for(state="visible")
    link = seller.locator("[data-dist-link]").input_value()
    code = seller.locator("[data-dist-code]").inner_text()
    assert link == f"{base}/?ref={code}"

    friend_context = seller.context.browser.new_context(viewport={"width": 390, "height": 844})
    try:  # the friend: a context of their own, no cookie or storage shared with the seller
        friend = friend_context.new_page()
        friend.set_default_timeout(10_000)
        friend.goto(link)
        register_at(friend, base, "friend@example.com")
        with tenant_context(shop):
            address_id = make_address(Member.objects.get(email="friend@example.com"))
        status = friend.evaluate(
            """async ([skuId, addressId]) => {
              const headers = {"Content-Type": "application/json",
                               "Authorization": "Bearer " + localStorage.getItem("mm-member-token")};
              const order = await (await fetch("/api/v1/store/orders", {method: "POST", headers,
                body: JSON.stringify({items: [{sku_id: skuId, quantity: 1}], address_id: addressId})})).json();
              const paid = await fetch(`/api/v1/store/orders/${order.id}/pay`, {method: "POST", headers,
                body: JSON.stringify({method: "test"})});
              return paid.status;
            }""",
            [sku.pk, address_id],
        )
    finally:
        friend_context.close()
    assert status == 200
    with tenant_context(shop):
        drain_due_events()  # what the Celery drain does right after the payment commits

    seller.reload()
    seller.locator("[data-dist-main]").wait_for(state="visible")
    assert seller.locator("[data-balance=pending_amount]").inner_text() == "¥12.90"
    seller.locator("[data-dist-commissions] li").first.wait_for()
    row = seller.locator("[data-dist-commissions] li").first.inner_text()
    assert "¥12.90" in row and "待结算" in row
    seller.screenshot(path=str(ARTIFACTS / "storefront-distribution-centre.png"), full_page=True)
