"""The checkout extension seam: a marketing tool prices the quote and takes its part inside the order's transaction.

A small activity extension (test-only, real database) fixes an activity price, shortens the unpaid window,
holds shipping and refuses in on_place when its own limit is reached: the whole order then rolls back.
"""

from dataclasses import dataclass, field

import pytest

from micromall.errors import Conflict
from tenant_apps.checkout.interface import (
    Contribution,
    register_checkout_extension,
    unregister_checkout_extension,
)
from tenant_apps.orders.models import Order
from tenant_apps.orders.services import ship_order

from .conftest import in_shop, place, stock_of


@dataclass
class HalfPriceActivity:
    """Activity 7 sells the tea at half price, at most `seats` orders, paid within 5 minutes, shipped later."""

    sku_id: int
    seats: int = 1
    name: str = "test_activity"
    placed: list = field(default_factory=list)

    def contribute(self, request):
        if request.activity is None or request.activity.id != 7:
            return None
        price = request.skus[self.sku_id].price_amount // 2
        return Contribution(
            activity_prices={self.sku_id: price},
            handles=frozenset({"activity"}),
            pay_within_minutes=5,
            hold_shipping=True,
            data={"seat": len(self.placed) + 1},
        )

    def on_place(self, *, order, quote, request, contribution):
        if len(self.placed) >= self.seats:
            raise Conflict("活动名额已满。", sku_id=self.sku_id)
        self.placed.append((order.order_id, [line.total_amount for line in order.lines], contribution.data["seat"]))


@pytest.fixture
def activity(catalog_a):
    """The test extension alone: the real tools (flash sales...) also take activities of these types."""
    from tenant_apps.checkout import extensions as registry

    others = dict(registry._extensions)
    registry._extensions.clear()
    extension = HalfPriceActivity(sku_id=catalog_a.tea.pk)
    register_checkout_extension(extension)
    yield extension
    unregister_checkout_extension(extension.name)
    registry._extensions.update(others)


def test_an_activity_prices_the_line_and_takes_its_part_in_the_transaction(shop_a, catalog_a, buyer_a, activity):
    response = place(buyer_a, (catalog_a.tea.pk, 1), activity={"type": "flash_sale", "id": 7})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["lines"][0]["unit_price_amount"] == 6450
    assert body["total_amount"] == 6450
    assert body["activity"] == {"type": "flash_sale", "id": 7, "group_id": None}
    assert body["ship_hold"] is True
    assert activity.placed == [(body["id"], [6450], 1)]
    order = in_shop(shop_a, lambda: Order.objects.get(pk=body["id"]))
    assert 4 * 60 <= (order.pay_deadline - order.created).total_seconds() <= 5 * 60


def test_a_refusal_in_on_place_rolls_the_whole_order_back(shop_a, catalog_a, buyer_a, activity):
    assert place(buyer_a, (catalog_a.tea.pk, 1), activity={"type": "flash_sale", "id": 7}).status_code == 201

    refused = place(buyer_a, (catalog_a.tea.pk, 2), activity={"type": "flash_sale", "id": 7})

    assert refused.status_code == 409 and refused.json()["sku_id"] == catalog_a.tea.pk
    assert in_shop(shop_a, lambda: Order.objects.count()) == 1
    assert stock_of(shop_a, catalog_a.tea) == 9  # the second order's reservation rolled back with it


def test_an_activity_no_extension_takes_is_a_field_error(shop_a, catalog_a, buyer_a, activity):
    from tenant_apps.checkout.extensions import _extensions, register_checkout_extension

    bargains = _extensions.pop("bargains", None)  # the bargains app takes "bargain": take it out for this test
    try:
        response = place(buyer_a, (catalog_a.tea.pk, 1), activity={"type": "bargain", "id": 8})
    finally:
        if bargains is not None:
            register_checkout_extension(bargains)

    assert response.status_code == 400 and "activity" in response.json()["errors"]
    assert in_shop(shop_a, lambda: Order.objects.count()) == 0


def test_an_order_on_hold_does_not_ship(shop_a, catalog_a, buyer_a, activity, settings):
    settings.DEBUG = True  # the test payment method
    body = place(buyer_a, (catalog_a.tea.pk, 1), activity={"type": "flash_sale", "id": 7}).json()
    paid = buyer_a.client.post(
        f"/api/v1/store/orders/{body['id']}/pay", {"method": "test"}, content_type="application/json"
    )
    assert paid.status_code == 200, paid.json()

    with pytest.raises(Conflict):
        in_shop(shop_a, lambda: ship_order(order_id=body["id"], carrier="sf", tracking_number="SF1234567890"))
