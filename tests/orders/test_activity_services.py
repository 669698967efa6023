"""What activities ask of orders: refund_order_in_full (a system refund-only after-sale through the gateway,
idempotent, publishing order.refunded), release_ship_hold and set_order_group."""

import pytest

from micromall.errors import Conflict
from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders.interface import refund_order_in_full, release_ship_hold, set_order_group
from tenant_apps.orders.models import AfterSale, Order, Refund
from tenant_apps.pricing.models import ShippingTemplate

from .conftest import in_shop, place, stock_of


def paid_order(shop, buyer, *items) -> int:
    order_id = place(buyer, *items).json()["id"]
    paid = buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "test"}, content_type="application/json"
    )
    assert paid.status_code == 200, paid.json()
    return order_id


@pytest.fixture
def paying(shop_a, settings):
    settings.DEBUG = True
    in_shop(shop_a, lambda: ShippingTemplate.objects.create(name="flat", flat_fee_amount=1000, is_default=True))
    return shop_a


def test_refund_in_full_returns_everything_once_and_publishes_the_event(paying, catalog_a, buyer_a):
    order_id = paid_order(paying, buyer_a, (catalog_a.tea.pk, 2), (catalog_a.cup.pk, 1))
    line_id = in_shop(paying, lambda: Order.objects.get(pk=order_id).lines.first().pk)
    request = buyer_a.client.post(
        f"/api/v1/store/orders/{order_id}/aftersales",
        {"type": "refund", "lines": [{"order_line_id": line_id, "quantity": 1}]},
        content_type="application/json",
    )
    assert request.status_code == 201, request.json()

    order = in_shop(paying, lambda: refund_order_in_full(order_id=order_id, reason="拼团失败"))

    assert order.status == "closed" and order.refunded_amount == order.total_amount == 2 * 12900 + 3550 + 1000
    assert stock_of(paying, catalog_a.tea) == 10 and stock_of(paying, catalog_a.cup) == 3
    statuses = in_shop(paying, lambda: sorted(AfterSale.objects.values_list("status", flat=True)))
    assert statuses == ["refunded", "rejected"]  # the shopper's pending request gave way to the full refund
    events = in_shop(
        paying, lambda: list(OutboxEvent.objects.filter(name="order.refunded").values_list("payload", flat=True))
    )
    assert len(events) == 1 and events[0]["status"] == "closed" and events[0]["shipping_refund_amount"] == 1000
    assert sorted(line["quantity"] for line in events[0]["refunded_lines"]) == [1, 2]

    again = in_shop(paying, lambda: refund_order_in_full(order_id=order_id, reason="拼团失败"))
    assert again.refunded_amount == order.total_amount
    assert in_shop(
        paying, lambda: (Refund.objects.count(), OutboxEvent.objects.filter(name="order.refunded").count())
    ) == (1, 1)


def test_refund_in_full_refuses_unpaid_and_shipped_orders(paying, catalog_a, buyer_a):
    from tenant_apps.orders.services import ship_order

    unpaid = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    with pytest.raises(Conflict):
        in_shop(paying, lambda: refund_order_in_full(order_id=unpaid, reason="x"))
    shipped = paid_order(paying, buyer_a, (catalog_a.tea.pk, 1))
    in_shop(paying, lambda: ship_order(order_id=shipped, carrier="sf", tracking_number="SF1234567890"))
    with pytest.raises(Conflict):
        in_shop(paying, lambda: refund_order_in_full(order_id=shipped, reason="x"))
    assert in_shop(paying, lambda: Refund.objects.count()) == 0


def test_release_ship_hold_and_set_order_group(paying, catalog_a, buyer_a):
    order_id = paid_order(paying, buyer_a, (catalog_a.tea.pk, 1))
    in_shop(paying, lambda: Order.objects.filter(pk=order_id).update(ship_hold=True))
    assert in_shop(paying, lambda: release_ship_hold(order_id=order_id)) is True
    assert in_shop(paying, lambda: release_ship_hold(order_id=order_id)) is False
    in_shop(paying, lambda: set_order_group(order_id=order_id, group_id=77))
    assert in_shop(paying, lambda: Order.objects.get(pk=order_id).group_id) == 77
