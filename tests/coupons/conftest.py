"""Coupons fixtures: the orders catalog and buyers, coupon templates made through the service, and helpers to
claim, preview, place, pay and deliver the order events the way the Celery drain does."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.coupons import services
from tenant_apps.events.services import drain_due_events
from tests.orders.conftest import (  # noqa: F401
    Buyer,
    _empty_deadline_index,
    buyer_a,
    buyer_a2,
    buyer_b,
    catalog_a,
    catalog_b,
    in_shop,
    make_buyer,
    make_catalog,
    order_body,
    place,
    stock_of,
)


def make_coupon(shop, **values):
    now = timezone.now()
    fields = dict(
        name="满100减20", kind="fixed", amount=2000, threshold_amount=10000, total_quantity=100,
        per_member_limit=1, valid_from=now - timedelta(days=1), valid_to=now + timedelta(days=30),
    )  # fmt: skip
    fields.update(values)
    return in_shop(shop, lambda: services.create_coupon(**fields))


def claim(buyer: Buyer, coupon_id: int):
    return buyer.client.post(f"/api/v1/store/coupons/{coupon_id}/claim")


def claimed_code(buyer: Buyer, coupon_id: int) -> str:
    response = claim(buyer, coupon_id)
    assert response.status_code == 201, response.content
    return response.json()["code"]


def preview(buyer: Buyer, *items, **extra):
    body = {"items": [{"sku_id": s, "quantity": q} for s, q in items], **extra}
    return buyer.client.post("/api/v1/store/checkout/preview", body, content_type="application/json")


def my_coupons(buyer: Buyer) -> dict[str, str]:
    response = buyer.client.get("/api/v1/store/coupons")
    assert response.status_code == 200, response.content
    return {row["code"]: row["status"] for row in response.json()}


def drain(shop) -> int:
    return in_shop(shop, drain_due_events)


def pay(buyer: Buyer, order_id: int):
    return buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "test"}, content_type="application/json"
    )


@pytest.fixture
def debug(settings):
    settings.DEBUG = True  # the test payment method
    return settings
