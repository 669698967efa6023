"""Bargain fixtures: shop A's catalog (tea ¥129.00), a running bargain on the tea down to ¥99.00 with 3 helpers,
shoppers, and helpers to start, help and order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.bargains import services
from tenant_apps.bargains.models import Bargain, BargainSession
from tenant_apps.events.services import drain_due_events
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

FLOOR = 9900
LIST_PRICE = 12900


def make_bargain(shop, sku, *, publish=True, **overrides) -> Bargain:
    now = timezone.now()
    values = dict(
        title="龙井砍到底", sku_id=sku.pk, floor_price_amount=FLOOR, helpers_needed=3, hours=24,
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=3), stock=5,
    )  # fmt: skip
    values.update(overrides)

    def build():
        activity = services.create_bargain(**values)
        if publish:
            services.change_status(activity_id=activity.pk, action="publish")
        return Bargain.objects.get(pk=activity.pk)

    return in_shop(shop, build)


@pytest.fixture
def bg_shop(shop_a, settings):
    settings.DEBUG = True  # the test payment gateway
    return shop_a


@pytest.fixture
def bargain(bg_shop, catalog_a) -> Bargain:  # noqa: F811
    return make_bargain(bg_shop, catalog_a.tea)


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def start(buyer: Buyer, activity_id: int):
    return post(buyer.client, f"/api/v1/store/bargains/{activity_id}/start")


def help_(buyer: Buyer, session_id: int):
    return post(buyer.client, f"/api/v1/store/bargain-sessions/{session_id}/help")


def order_for(buyer: Buyer, sku_id: int, activity_id: int, session_id: int | None, quantity: int = 1):
    activity = {"type": "bargain", "id": activity_id, **({"group_id": session_id} if session_id else {})}
    body = {"items": [{"sku_id": sku_id, "quantity": quantity}], "address_id": buyer.address_id, "activity": activity}
    return post(buyer.client, "/api/v1/store/orders", body)


def session_row(shop, session_id: int) -> BargainSession:
    return in_shop(shop, lambda: BargainSession.objects.get(pk=session_id))


def drain(shop) -> int:
    return in_shop(shop, drain_due_events)
