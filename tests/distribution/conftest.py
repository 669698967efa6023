"""Distribution fixtures: a shop with distribution on (3 levels), a flat ¥10 shipping fee, helpers to buy and
deliver the order events the way the Celery drain does."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.distribution import services
from tenant_apps.events.services import drain_due_events
from tenant_apps.members.models import Member
from tenant_apps.members.services import issue_member_token
from tenant_apps.orders import services as order_services
from tenant_apps.orders.events import REFUNDED, publish_order_event
from tenant_apps.orders.models import Order
from tenant_apps.pricing.models import ShippingTemplate
from tests.conftest import host_client
from tests.orders.conftest import (  # noqa: F401
    Buyer,
    catalog_a,
    catalog_b,
    celery_eager,
    in_shop,
    make_address,
    make_catalog,
)

RATES = [1000, 500, 250]


def configure(shop, **overrides):
    values = dict(
        enabled=True, levels=3, rates_bps=RATES, freeze_days=7, min_withdrawal_amount=100,
        self_purchase_commission=False, auto_approve=True,
    )  # fmt: skip
    values.update(overrides)
    return in_shop(shop, lambda: services.update_settings(**values))


@pytest.fixture
def dist_a(shop_a, settings):
    settings.DEBUG = True  # the test payment gateway
    configure(shop_a)
    in_shop(shop_a, lambda: ShippingTemplate.objects.create(name="flat", flat_fee_amount=1000, is_default=True))
    return shop_a


@pytest.fixture
def dist_b(shop_b):
    configure(shop_b)
    return shop_b


def member(shop, login: str, ref: str = "") -> Buyer:
    """Register through the API (so `ref` goes the real way), then give the member an address."""
    body = {"phone": login, "password": "correct horse 42"}
    if ref:
        body["ref"] = ref
    response = host_client(shop).post("/api/v1/store/auth/register", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()

    def address():
        m = Member.objects.get(pk=data["member"]["id"])
        return m, make_address(m)

    m, address_id = in_shop(shop, address)
    return Buyer(m, data["token"], address_id, host_client(shop, data["token"]))


def distributor(shop, login: str, ref: str = "") -> tuple[Buyer, str]:
    buyer = member(shop, login, ref)
    response = buyer.client.post("/api/v1/store/distribution/apply")
    assert response.status_code == 201, response.content
    return buyer, response.json()["code"]


def drain(shop) -> int:
    return in_shop(shop, drain_due_events)


def buy(shop, buyer: Buyer, *items: tuple[int, int]) -> dict:
    body = {"items": [{"sku_id": s, "quantity": q} for s, q in items], "address_id": buyer.address_id}
    order = buyer.client.post("/api/v1/store/orders", body, content_type="application/json").json()
    paid = buyer.client.post(
        f"/api/v1/store/orders/{order['id']}/pay", {"method": "test"}, content_type="application/json"
    )
    assert paid.status_code == 200, paid.content
    drain(shop)
    return paid.json()


def complete(shop, buyer: Buyer, order_id: int) -> None:
    def run():
        order_services.ship_order(order_id=order_id, carrier="sf", tracking_number="SF0001")
        order_services.confirm_receipt(order_id=order_id, member=buyer.member)

    in_shop(shop, run)
    drain(shop)


def refund(shop, order_id: int, refunded_amount: int) -> None:
    """What the orders code publishes when money goes back (running total `refunded_amount`)."""
    from django.db import transaction

    def run():
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            delta = refunded_amount - order.refunded_amount
            order.refunded_amount = refunded_amount
            order.save(update_fields=["refunded_amount"])
            publish_order_event(REFUNDED, order, refund_amount=delta, refunded_amount=refunded_amount)

    in_shop(shop, run)
    drain(shop)


def me(buyer: Buyer) -> dict:
    response = buyer.client.get("/api/v1/store/distribution/me")
    assert response.status_code == 200, response.content
    return response.json()


def issue_token(shop, m) -> str:
    with tenant_context(shop):
        return issue_member_token(member=m)
