"""Buying in a flash sale over HTTP: the flash price, the short unpaid window, quotas and flash stock answered
with 409, coupons and points refused, and the stock and quota coming back when the unpaid order is cancelled."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.flash_sales.models import FlashSaleParticipation
from tenant_apps.orders.models import Order
from tenant_apps.orders.services import run_due_timers

from .conftest import FLASH_PRICE, buy, create_sale, deliver, flash, held, in_shop, place, remaining, stock_of


def test_an_order_in_a_running_session_pays_the_flash_price_within_five_minutes(shop_a, catalog_a, buyer_a, sale_a):
    response = buy(buyer_a, sale_a, catalog_a.tea)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["lines"][0]["unit_price_amount"] == FLASH_PRICE
    assert body["subtotal_amount"] == FLASH_PRICE and body["discount_amount"] == 0
    assert body["activity"] == {"type": "flash_sale", "id": sale_a.pk, "group_id": None}
    order = in_shop(shop_a, lambda: Order.objects.get(pk=body["id"]))
    assert 4 * 60 <= (order.pay_deadline - order.created).total_seconds() <= 5 * 60
    assert remaining(shop_a, sale_a) == 4 and held(shop_a, sale_a, buyer_a) == 1
    assert stock_of(shop_a, catalog_a.tea) == 9  # the real stock is reserved too
    part = in_shop(shop_a, lambda: FlashSaleParticipation.objects.get(order_id=body["id"]))
    assert (part.quantity, part.price_amount, part.status) == (1, FLASH_PRICE, "placed")
    assert part.snapshot["per_member_limit"] == 1 and part.snapshot["normal_price_amount"] == 12900


def test_the_preview_shows_the_flash_price(shop_a, catalog_a, buyer_a, sale_a):
    response = buyer_a.client.post(
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": catalog_a.tea.pk, "quantity": 1}], "activity": flash(sale_a)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["lines"][0]["unit_price_amount"] == FLASH_PRICE


def test_a_second_order_over_the_member_quota_is_a_409_and_changes_nothing(shop_a, catalog_a, buyer_a, sale_a):
    assert buy(buyer_a, sale_a, catalog_a.tea).status_code == 201

    refused = buy(buyer_a, sale_a, catalog_a.tea)

    assert refused.status_code == 409
    assert refused.json()["sku_id"] == catalog_a.tea.pk and refused.json()["reason"] == "per_member_limit"
    assert "每人限购 1 件" in refused.json()["detail"]
    assert in_shop(shop_a, lambda: Order.objects.count()) == 1
    assert remaining(shop_a, sale_a) == 4 and stock_of(shop_a, catalog_a.tea) == 9


def test_more_than_the_per_order_limit_is_a_409(shop_a, catalog_a, buyer_a):
    sale = create_sale(shop_a, [catalog_a.tea], per_member_limit=3, per_order_limit=2)

    assert buy(buyer_a, sale, catalog_a.tea, 3).json()["reason"] == "per_order_limit"
    assert buy(buyer_a, sale, catalog_a.tea, 2).status_code == 201
    refused = buy(buyer_a, sale, catalog_a.tea, 2)  # 2 + 2 > 3 per member
    assert refused.status_code == 409 and refused.json()["reason"] == "per_member_limit"
    assert buy(buyer_a, sale, catalog_a.tea, 1).status_code == 201
    assert held(shop_a, sale, buyer_a) == 3


def test_flash_stock_runs_out_before_the_real_stock(shop_a, catalog_a, sale_a):
    from tests.orders.conftest import make_buyer

    buyers = [make_buyer(shop_a, f"1380000{n:04d}") for n in range(6)]
    codes = [buy(buyer, sale_a, catalog_a.tea).status_code for buyer in buyers]

    assert codes == [201] * 5 + [409]
    assert remaining(shop_a, sale_a) == 0 and stock_of(shop_a, catalog_a.tea) == 5
    # The tea is still for sale at the normal price.
    normal = place(buyers[5], (catalog_a.tea.pk, 1))
    assert normal.status_code == 201 and normal.json()["lines"][0]["unit_price_amount"] == 12900


def test_coupons_and_points_are_refused_on_a_flash_order(shop_a, catalog_a, buyer_a, sale_a):
    coupon = buy(buyer_a, sale_a, catalog_a.tea, coupon_code="SAVE10")
    points = buy(buyer_a, sale_a, catalog_a.tea, points=100)

    assert coupon.status_code == 400 and "coupon_code" in coupon.json()["errors"]
    assert points.status_code == 400 and "points" in points.json()["errors"]
    assert in_shop(shop_a, lambda: Order.objects.count()) == 0 and remaining(shop_a, sale_a) == 5


def test_an_item_outside_the_session_is_a_field_error(shop_a, catalog_a, buyer_a, sale_a):
    response = place(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1), activity=flash(sale_a))

    assert response.status_code == 400 and "items.1.sku_id" in response.json()["errors"]
    assert in_shop(shop_a, lambda: Order.objects.count()) == 0 and remaining(shop_a, sale_a) == 5


@pytest.mark.parametrize("when", ["upcoming", "ended", "draft", "paused"])
def test_a_session_that_is_not_on_is_a_409(shop_a, catalog_a, buyer_a, when):
    from tenant_apps.flash_sales import services

    start = {"upcoming": timezone.now() + timedelta(hours=1), "ended": timezone.now() - timedelta(hours=2)}
    sale = create_sale(shop_a, [catalog_a.tea], start=start.get(when), publish=when != "draft")
    if when == "paused":
        in_shop(shop_a, lambda: services.change_status(sale_id=sale.pk, action="pause"))

    response = buy(buyer_a, sale, catalog_a.tea)

    assert response.status_code == 409 and response.json()["reason"] == "not_running"
    assert in_shop(shop_a, lambda: Order.objects.count()) == 0


def test_unknown_or_foreign_session_is_a_field_error(shop_a, shop_b, catalog_a, catalog_b, buyer_a):
    foreign = create_sale(shop_b, [catalog_b.tea])  # shop A has no session at all

    for activity_id in (foreign.pk, foreign.pk + 1000):
        response = place(buyer_a, (catalog_a.tea.pk, 1), activity={"type": "flash_sale", "id": activity_id})
        assert response.status_code == 400 and "activity.id" in response.json()["errors"], response.json()
    assert in_shop(shop_a, lambda: Order.objects.count()) == 0


def test_cancelling_the_unpaid_order_gives_flash_stock_and_quota_back(shop_a, catalog_a, buyer_a, sale_a):
    order_id = buy(buyer_a, sale_a, catalog_a.tea).json()["id"]

    cancelled = buyer_a.client.post(f"/api/v1/store/orders/{order_id}/cancel", content_type="application/json")
    assert cancelled.status_code == 200
    deliver(shop_a)
    deliver(shop_a)  # delivered twice: released once

    assert remaining(shop_a, sale_a) == 5 and held(shop_a, sale_a, buyer_a) == 0
    assert in_shop(shop_a, lambda: FlashSaleParticipation.objects.get().status) == "released"
    assert buy(buyer_a, sale_a, catalog_a.tea).status_code == 201  # the member may buy again


def test_the_short_unpaid_window_releases_the_flash_stock(shop_a, catalog_a, buyer_a, sale_a):
    order_id = buy(buyer_a, sale_a, catalog_a.tea).json()["id"]

    in_shop(shop_a, lambda: run_due_timers(now=timezone.now() + timedelta(minutes=4)))
    assert in_shop(shop_a, lambda: Order.objects.get(pk=order_id).status) == "pending_payment"

    in_shop(shop_a, lambda: run_due_timers(now=timezone.now() + timedelta(minutes=5, seconds=1)))
    deliver(shop_a)

    assert in_shop(shop_a, lambda: Order.objects.get(pk=order_id).status) == "cancelled"
    assert remaining(shop_a, sale_a) == 5 and stock_of(shop_a, catalog_a.tea) == 10


def test_a_paid_order_keeps_its_flash_stock(shop_a, catalog_a, buyer_a, sale_a, settings):
    settings.DEBUG = True
    order_id = buy(buyer_a, sale_a, catalog_a.tea).json()["id"]
    paid = buyer_a.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "test"}, content_type="application/json"
    )
    assert paid.status_code == 200
    deliver(shop_a)

    assert in_shop(shop_a, lambda: FlashSaleParticipation.objects.get().status) == "paid"
    assert buyer_a.client.post(f"/api/v1/store/orders/{order_id}/cancel").status_code == 409
    assert remaining(shop_a, sale_a) == 4 and held(shop_a, sale_a, buyer_a) == 1


def test_after_a_sell_out_the_crowd_is_refused_before_any_query(
    shop_a, catalog_a, buyer_a, buyer_a2, django_assert_max_num_queries
):
    sale = create_sale(shop_a, [catalog_a.tea], stock=1)
    assert buy(buyer_a, sale, catalog_a.tea).status_code == 201
    assert buy(buyer_a2, sale, catalog_a.tea).json()["reason"] == "sold_out"  # seen sold out by this process

    with django_assert_max_num_queries(1):  # the member's token; nothing of the catalog, address or sale
        refused = buy(buyer_a2, sale, catalog_a.tea)

    assert refused.status_code == 409 and refused.json()["reason"] == "sold_out"
