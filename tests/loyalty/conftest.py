"""Loyalty fixtures: a shop with points on (1 point per yuan earned, 100 points = ¥1 when paying, at most 50%),
members with tokens and addresses, helpers that buy, complete and refund the way the orders code does, and
deliver the order events the way the Celery drain does."""

import pytest
from django.db import transaction

from tenant_apps.events.services import drain_due_events
from tenant_apps.loyalty import selectors, services
from tenant_apps.orders import services as order_services
from tenant_apps.orders.events import REFUNDED, publish_order_event
from tenant_apps.orders.models import Order
from tests.orders.conftest import (  # noqa: F401
    Buyer,
    buyer_a,
    buyer_a2,
    buyer_b,
    catalog_a,
    catalog_b,
    in_shop,
    make_buyer,
    order_body,
    place,
)

SETTINGS = dict(
    points_per_yuan=1, redeem_points_per_yuan=100, max_redeem_percent=50, points_freeze_days=7,
    checkin_rewards=[5, 5, 10], points_expire_days=0,
)  # fmt: skip


def configure(shop, levels=None, **overrides):
    return in_shop(shop, lambda: services.update_settings(levels=levels, **{**SETTINGS, **overrides}))


@pytest.fixture
def loyalty_a(shop_a, settings):
    settings.DEBUG = True  # the test payment method
    configure(shop_a)
    return shop_a


def drain(shop) -> int:
    return in_shop(shop, drain_due_events)


def give(shop, buyer: Buyer, points: int, reason: str = "welcome") -> None:
    in_shop(shop, lambda: services.adjust_points(member_id=buyer.member.pk, points=points, reason=reason, by="test"))


def balance(shop, buyer: Buyer) -> tuple[int, int]:
    found = in_shop(shop, lambda: selectors.points_balance(member_id=buyer.member.pk))
    return found.balance, found.frozen


def pay(buyer: Buyer, order_id: int):
    response = buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "test"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def buy(shop, buyer: Buyer, *items, **extra) -> dict:
    response = place(buyer, *items, **extra)
    assert response.status_code == 201, response.content
    body = pay(buyer, response.json()["id"])
    drain(shop)
    return body


def complete(shop, buyer: Buyer, order_id: int) -> None:
    def run():
        order_services.ship_order(order_id=order_id, carrier="sf", tracking_number="SF0001")
        order_services.confirm_receipt(order_id=order_id, member=buyer.member)

    in_shop(shop, run)
    drain(shop)


def refund(shop, order_id: int, refunded_amount: int) -> None:
    """What the orders code publishes when money goes back (running total `refunded_amount`)."""

    def run():
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            delta = refunded_amount - order.refunded_amount
            order.refunded_amount = refunded_amount
            order.save(update_fields=["refunded_amount"])
            publish_order_event(REFUNDED, order, refund_amount=delta, refunded_amount=refunded_amount)

    in_shop(shop, run)
    drain(shop)
