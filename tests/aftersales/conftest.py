"""Shipping and after-sales fixtures: the orders fixtures (catalog, buyers) plus paid orders and staff clients."""

import pytest

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole
from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders.models import Order, OrderLine
from tests.conftest import host_client, staff_of
from tests.orders.conftest import (  # noqa: F401  (fixtures)
    _empty_deadline_index,
    buyer_a,
    buyer_a2,
    buyer_b,
    catalog_a,
    catalog_b,
    in_shop,
    place,
)
from tests.orders.test_stripe import stripe_shop  # noqa: F401  (fixture)


def pay(buyer, order_id: int, method: str = "test") -> dict:
    response = buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": method}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def paid_order(buyer, *items, method: str = "test") -> dict:
    return pay(buyer, place(buyer, *items).json()["id"], method)


def ship(manager, order_id: int, **body):
    body = {"carrier": "sf", "tracking_number": "SF1234567890", **body}
    return manager.post(f"/api/v1/manage/orders/{order_id}/ship", body, content_type="application/json")


def ask(buyer, order_id: int, kind: str, *lines: tuple[int, int], reason: str = "不想要了"):
    body = {"type": kind, "lines": [{"order_line_id": pk, "quantity": q} for pk, q in lines], "reason": reason}
    return buyer.client.post(f"/api/v1/store/orders/{order_id}/aftersales", body, content_type="application/json")


def decide(manager, aftersale_id: int, action: str, body: dict | None = None):
    return manager.post(
        f"/api/v1/manage/aftersales/{aftersale_id}/{action}", body or {}, content_type="application/json"
    )


def events_named(shop, name: str) -> list[dict]:
    return in_shop(
        shop, lambda: list(OutboxEvent.objects.filter(name=name).order_by("created").values_list("payload", flat=True))
    )


def order_row(shop, order_id: int) -> Order:
    return in_shop(shop, lambda: Order.objects.get(pk=order_id))


def give_discount(shop, order_id: int, line_id: int, discount: int, shipping: int = 0) -> None:
    """Given: the price engine allocated `discount` to the line and charged `shipping` (what promotions do)."""

    def apply():
        line = OrderLine.objects.get(pk=line_id)
        line.discount_amount, line.total_amount = discount, line.subtotal_amount - discount
        line.allocations = [{"kind": "promotion", "code": "T", "amount": discount}]
        line.save()
        order = Order.objects.get(pk=order_id)
        order.discount_amount += discount
        order.shipping_amount = shipping
        order.total_amount = order.subtotal_amount - order.discount_amount + shipping
        order.save()

    in_shop(shop, apply)


@pytest.fixture
def finance_a(shop_a):
    return host_client(shop_a, issue_token(user=staff_of(shop_a, MembershipRole.FINANCE)))


@pytest.fixture
def manager_b(shop_b):
    return host_client(shop_b, issue_token(user=staff_of(shop_b)))


@pytest.fixture(autouse=True)
def _test_payments_allowed(settings):
    """The test gateway pays at once, and only when DEBUG is on."""
    settings.DEBUG = True
