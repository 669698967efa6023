"""Group-buy fixtures: shop A's catalog, a running group buy on the tea (2-person groups at ¥99.00), shoppers,
and helpers to place, pay and deliver the order events the way the Celery drain does."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.events.services import drain_due_events
from tenant_apps.group_buys import services
from tenant_apps.group_buys.models import Group, GroupBuy, Participation
from tenant_apps.orders.models import Order
from tests.orders.conftest import (  # noqa: F401  (fixtures)
    Buyer,
    buyer_a,
    buyer_a2,
    buyer_b,
    catalog_a,
    catalog_b,
    in_shop,
    make_buyer,
    make_catalog,
    stock_of,
)

GROUP_PRICE = 9900


def make_group_buy(shop, sku, *, publish=True, **overrides) -> GroupBuy:
    now = timezone.now()
    values = dict(
        title="龙井两人团", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=3), group_size=2,
        hours_to_form=24, items=[{"sku_id": sku.pk, "price_amount": GROUP_PRICE, "stock": 5}],
    )  # fmt: skip
    values.update(overrides)

    def build():
        activity = services.create_group_buy(**values)
        if publish:
            services.change_status(activity_id=activity.pk, action="publish")
        return GroupBuy.objects.get(pk=activity.pk)

    return in_shop(shop, build)


@pytest.fixture
def gb_shop(shop_a, settings):
    settings.DEBUG = True  # the test payment gateway
    return shop_a


@pytest.fixture
def group_buy(gb_shop, catalog_a) -> GroupBuy:  # noqa: F811
    return make_group_buy(gb_shop, catalog_a.tea)


def drain(shop) -> int:
    return in_shop(shop, drain_due_events)


def order_for(buyer: Buyer, sku_id: int, activity: dict, quantity: int = 1):
    body = {"items": [{"sku_id": sku_id, "quantity": quantity}], "address_id": buyer.address_id, "activity": activity}
    return buyer.client.post("/api/v1/store/orders", body, content_type="application/json")


def pay(buyer: Buyer, order_id: int):
    return buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "test"}, content_type="application/json"
    )


def buy(shop, buyer: Buyer, sku_id: int, activity_id: int, group_id: int | None = None, **extra) -> dict:
    """Place, pay and deliver the events: the order as the shopper reads it afterwards."""
    activity = {"type": "group_buy", "id": activity_id, **({"group_id": group_id} if group_id else {}), **extra}
    placed = order_for(buyer, sku_id, activity)
    assert placed.status_code == 201, placed.json()
    paid = pay(buyer, placed.json()["id"])
    assert paid.status_code == 200, paid.json()
    drain(shop)
    return buyer.client.get(f"/api/v1/store/orders/{placed.json()['id']}").json()


def group_of(shop, group_id: int) -> Group:
    return in_shop(shop, lambda: Group.objects.get(pk=group_id))


def participation(shop, order_id: int) -> Participation:
    return in_shop(shop, lambda: Participation.objects.get(order_id=order_id))


def order_row(shop, order_id: int) -> Order:
    return in_shop(shop, lambda: Order.objects.get(pk=order_id))
