"""A flash-sale order after its unpaid window, and after a refund (docs/flash_sales.md "Late payments and refunds").

- a card payment landing after the 5-minute window released the order: orders settles it (services/late.py) and
  the flash sale's hook takes the flash stock and quota again, so the order is kept (cancelled -> paid), or, when
  they are gone, the order is refunded in full through the gateway (idempotent) and stays cancelled;
- refunded units of a paid order give back the member's quota, and their flash stock while the session is on.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.events.models import OutboxEvent
from tenant_apps.flash_sales import services
from tenant_apps.flash_sales.models import FlashSaleParticipation
from tenant_apps.orders.interface import refund_order_in_full
from tenant_apps.orders.models import Order, Payment, Refund
from tenant_apps.orders.services import approve_aftersale, run_due_timers, settle_late_payment
from tests.orders.test_stripe import deliver as deliver_webhook
from tests.orders.test_stripe import pay_stripe, stripe_shop, succeeded_event  # noqa: F401

from .conftest import buy, create_sale, deliver, held, in_shop, remaining, stock_of


def late_paid(shop, stripe_fake, buyer, sale, sku, *, before_payment=lambda: None, by_shopper=False) -> int:
    """A flash order paid by card after the timer (or the shopper) cancelled it and `before_payment` ran."""
    order_id = buy(buyer, sale, sku).json()["id"]
    assert pay_stripe(buyer, order_id).status_code == 200
    intent_id = in_shop(shop, lambda: Payment.objects.get(order_id=order_id).stripe_payment_intent_id)
    if by_shopper:
        assert buyer.client.post(f"/api/v1/store/orders/{order_id}/cancel").status_code == 200
    else:
        in_shop(shop, lambda: run_due_timers(now=timezone.now() + timedelta(minutes=6)))
    deliver(shop)
    assert in_shop(shop, lambda: Order.objects.get(pk=order_id).status) == "cancelled"
    before_payment()
    assert deliver_webhook(succeeded_event(stripe_fake, intent_id)).status_code == 200
    deliver(shop)
    return order_id


def event_names(shop, order_id: int) -> list[str]:
    return in_shop(
        shop, lambda: list(OutboxEvent.objects.filter(payload__order_id=order_id).values_list("name", flat=True))
    )


def part_status(shop, order_id: int) -> str:
    return in_shop(shop, lambda: FlashSaleParticipation.objects.get(order_id=order_id).status)


def test_a_late_payment_with_the_flash_stock_still_there_keeps_the_order(
    stripe_shop,  # noqa: F811
    stripe_fake,
    catalog_a,
    buyer_a,
    sale_a,
):
    shop = stripe_shop
    order_id = late_paid(shop, stripe_fake, buyer_a, sale_a, catalog_a.tea)

    order = in_shop(shop, lambda: Order.objects.get(pk=order_id))
    payment = in_shop(shop, lambda: Payment.objects.get(order_id=order_id))
    assert (order.status, order.payment_method, payment.status, payment.needs_refund) == (
        "paid", "stripe", "succeeded", False,
    )  # fmt: skip
    assert remaining(shop, sale_a) == 4 and held(shop, sale_a, buyer_a) == 1 and part_status(shop, order_id) == "paid"
    assert stock_of(shop, catalog_a.tea) == 9  # the goods are reserved again
    assert event_names(shop, order_id).count("order.paid") == 1
    assert in_shop(shop, lambda: Refund.objects.count()) == 0

    # Settling again (a redelivered event, the sweep) changes nothing.
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == ""
    assert remaining(shop, sale_a) == 4 and held(shop, sale_a, buyer_a) == 1


def test_a_late_payment_whose_flash_stock_went_to_someone_else_is_refunded_in_full_once(
    stripe_shop,  # noqa: F811
    stripe_fake,
    catalog_a,
    buyer_a,
    buyer_a2,
):
    shop = stripe_shop
    sale = create_sale(shop, [catalog_a.tea], stock=1)

    def someone_else_buys():
        assert buy(buyer_a2, sale, catalog_a.tea).status_code == 201  # takes the released unit

    order_id = late_paid(shop, stripe_fake, buyer_a, sale, catalog_a.tea, before_payment=someone_else_buys)

    assert part_status(shop, order_id) == "released"
    assert remaining(shop, sale) == 0 and held(shop, sale, buyer_a) == 0  # nothing taken twice
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == "refunded"  # what the queued task sends
    deliver(shop)

    order = in_shop(shop, lambda: Order.objects.get(pk=order_id))
    payment = in_shop(shop, lambda: Payment.objects.get(order_id=order_id))
    assert order.status == "cancelled" and order.refunded_amount == order.total_amount == payment.amount
    assert payment.refunded_amount == payment.amount and payment.needs_refund is False
    assert stripe_fake.refunded[payment.stripe_payment_intent_id] == payment.amount  # through the gateway
    assert part_status(shop, order_id) == "refunded"
    assert stock_of(shop, catalog_a.tea) == 9  # only the other buyer's unit is reserved: no second release
    names = event_names(shop, order_id)
    assert "order.late_payment_refunded" in names and "order.refunded" not in names and "order.paid" not in names

    # Idempotent: settling again and a direct call refund nothing more.
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == ""
    in_shop(shop, lambda: refund_order_in_full(order_id=order_id, reason="again"))
    assert in_shop(shop, lambda: Refund.objects.count()) == 1
    assert stripe_fake.refunded[payment.stripe_payment_intent_id] == payment.amount


def test_a_late_payment_is_refunded_when_the_goods_are_gone_even_with_flash_stock_left(
    stripe_shop,  # noqa: F811
    stripe_fake,
    catalog_a,
    buyer_a,
    sale_a,
):
    from tenant_apps.catalog.models import Sku

    shop = stripe_shop

    def goods_sold_elsewhere():
        in_shop(shop, lambda: Sku.objects.filter(pk=catalog_a.tea.pk).update(stock=0))

    order_id = late_paid(shop, stripe_fake, buyer_a, sale_a, catalog_a.tea, before_payment=goods_sold_elsewhere)

    assert part_status(shop, order_id) == "released"
    assert remaining(shop, sale_a) == 5 and held(shop, sale_a, buyer_a) == 0  # the savepoint gave them back
    assert in_shop(shop, lambda: Order.objects.get(pk=order_id).status) == "cancelled"


def test_a_late_payment_for_an_order_the_shopper_cancelled_is_refunded_not_kept(
    stripe_shop,  # noqa: F811
    stripe_fake,
    catalog_a,
    buyer_a,
    sale_a,
):
    order_id = late_paid(stripe_shop, stripe_fake, buyer_a, sale_a, catalog_a.tea, by_shopper=True)

    assert part_status(stripe_shop, order_id) == "released"
    assert remaining(stripe_shop, sale_a) == 5 and held(stripe_shop, sale_a, buyer_a) == 0
    assert in_shop(stripe_shop, lambda: settle_late_payment(order_id=order_id)) == "refunded"
    deliver(stripe_shop)
    assert in_shop(stripe_shop, lambda: Order.objects.get(pk=order_id).status) == "cancelled"
    assert part_status(stripe_shop, order_id) == "refunded"


def test_late_payment_events_without_an_order_or_of_other_orders_change_nothing(shop_a, catalog_a, buyer_a, sale_a):
    from tenant_apps.events.interface import Event
    from tenant_apps.flash_sales.handlers import on_late_payment_refunded, on_refunded
    from tenant_apps.orders.handlers import on_paid_late

    event = Event(id=None, name="order.paid_late", payload={}, created=timezone.now())
    in_shop(shop_a, lambda: on_paid_late(event))
    in_shop(shop_a, lambda: on_late_payment_refunded(event))
    in_shop(shop_a, lambda: on_refunded(event))
    assert in_shop(shop_a, lambda: settle_late_payment(order_id=424242)) == ""
    assert in_shop(shop_a, lambda: services.mark_late_refunded(order_id=424242)) == 0
    assert in_shop(shop_a, lambda: services.return_refunded_units(order_id=424242, refunded_lines=[{}])) == 0
    assert remaining(shop_a, sale_a) == 5


@pytest.fixture
def paying(settings):
    settings.DEBUG = True  # the test gateway


def paid_flash_order(buyer, sale, sku, quantity: int = 1) -> int:
    order_id = buy(buyer, sale, sku, quantity).json()["id"]
    paid = buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "test"}, content_type="application/json"
    )
    assert paid.status_code == 200, paid.json()
    return order_id


def test_a_refunded_flash_order_gives_quota_and_flash_stock_back_while_the_session_is_on(
    paying, shop_a, catalog_a, buyer_a, sale_a
):
    order_id = paid_flash_order(buyer_a, sale_a, catalog_a.tea)
    deliver(shop_a)
    assert remaining(shop_a, sale_a) == 4 and held(shop_a, sale_a, buyer_a) == 1

    in_shop(shop_a, lambda: refund_order_in_full(order_id=order_id, reason="缺货"))
    deliver(shop_a)
    deliver(shop_a)  # delivered twice: given back once

    assert remaining(shop_a, sale_a) == 5 and held(shop_a, sale_a, buyer_a) == 0
    part = in_shop(shop_a, lambda: FlashSaleParticipation.objects.get(order_id=order_id))
    assert (part.status, part.returned) == ("refunded", 1)
    assert buy(buyer_a, sale_a, catalog_a.tea).status_code == 201  # the member may buy again


def test_a_partial_refund_gives_back_only_the_refunded_units(paying, shop_a, catalog_a, buyer_a):
    sale = create_sale(shop_a, [catalog_a.tea], per_member_limit=2)
    order_id = paid_flash_order(buyer_a, sale, catalog_a.tea, 2)
    deliver(shop_a)
    line_id = in_shop(shop_a, lambda: Order.objects.get(pk=order_id).lines.get().pk)
    request = buyer_a.client.post(
        f"/api/v1/store/orders/{order_id}/aftersales",
        {"type": "refund", "lines": [{"order_line_id": line_id, "quantity": 1}]},
        content_type="application/json",
    )
    assert request.status_code == 201, request.json()

    in_shop(shop_a, lambda: approve_aftersale(aftersale_id=request.json()["id"], shop=shop_a))
    deliver(shop_a)

    assert remaining(shop_a, sale) == 4 and held(shop_a, sale, buyer_a) == 1
    part = in_shop(shop_a, lambda: FlashSaleParticipation.objects.get(order_id=order_id))
    assert (part.status, part.returned) == ("paid", 1)


def test_after_the_session_ended_a_refund_gives_back_the_quota_but_not_the_flash_stock(
    paying, shop_a, catalog_a, buyer_a, sale_a
):
    order_id = paid_flash_order(buyer_a, sale_a, catalog_a.tea)
    deliver(shop_a)
    in_shop(shop_a, lambda: services.change_status(sale_id=sale_a.pk, action="end"))

    in_shop(shop_a, lambda: refund_order_in_full(order_id=order_id, reason="缺货"))
    deliver(shop_a)

    assert remaining(shop_a, sale_a) == 4 and held(shop_a, sale_a, buyer_a) == 0
    assert part_status(shop_a, order_id) == "refunded"


def test_a_refund_in_full_made_on_the_gateways_side_without_lines_gives_everything_back(
    paying, shop_a, catalog_a, buyer_a, sale_a
):
    from tenant_apps.events.interface import Event
    from tenant_apps.flash_sales.handlers import on_refunded

    order_id = paid_flash_order(buyer_a, sale_a, catalog_a.tea)
    deliver(shop_a)
    partial = {"order_id": order_id, "total_amount": 9900, "refunded_amount": 5000}  # charge.refunded, no lines
    in_shop(shop_a, lambda: on_refunded(Event(id=None, name="order.refunded", payload=partial, created=timezone.now())))
    assert remaining(shop_a, sale_a) == 4 and held(shop_a, sale_a, buyer_a) == 1

    full = {**partial, "refunded_amount": 9900}
    in_shop(shop_a, lambda: on_refunded(Event(id=None, name="order.refunded", payload=full, created=timezone.now())))
    assert remaining(shop_a, sale_a) == 5 and held(shop_a, sale_a, buyer_a) == 0
    assert part_status(shop_a, order_id) == "refunded"
