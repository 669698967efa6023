"""The pricing seam: every shopper-facing price (list, product page, cart, preview) comes from one place, and a
time-limited price that starts at 10:00:00 is served at 10:00:00 despite the storefront caches."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.pricing import interface as pricing
from tenant_apps.pricing.interface import ItemOffer
from tenant_apps.storefront.caching import clear_local_cache
from tests.storefront.conftest import make_product

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = datetime(2026, 12, 2, 10, 0, 0, tzinfo=SHANGHAI), datetime(2026, 12, 2, 12, 0, 0, tzinfo=SHANGHAI)


class LimitedTimeDiscount:
    """A stand-in for the marketing issue's 限时折扣: one SKU at `price` from START to END."""

    def __init__(self, sku_id: int, product_id: int, price: int):
        self.sku_id, self.product_id, self.price = sku_id, product_id, price

    def boundaries(self, now):
        return [START, END]

    def offers(self, *, sku_ids=None, product_ids=None, now, member_id=None):
        running = START <= now < END
        wanted = (sku_ids is not None and self.sku_id in sku_ids) or (
            product_ids is not None and self.product_id in product_ids
        )
        if running and wanted:
            yield ItemOffer(
                sku_id=self.sku_id,
                kind="limited_time",
                code="LT1",
                unit_price_amount=self.price,
                product_id=self.product_id,
            )


@pytest.fixture
def clock(monkeypatch):
    """Stands the pricing clock at a given moment (time injected, no sleeps)."""
    moment = {"now": START}
    monkeypatch.setattr(pricing, "current_time", lambda: moment["now"])
    return moment


@pytest.fixture
def discounted(shop_a, clock):
    with tenant_context(shop_a):
        product = make_product(
            "限时T恤",
            skus=[
                {"specs": {"尺码": "M"}, "price_amount": 10000, "stock": 9},
                {"specs": {"尺码": "L"}, "price_amount": 11000, "stock": 9},
            ],
        )
        sku_id = product.skus.get(specs={"尺码": "M"}).pk
    tool = LimitedTimeDiscount(sku_id, product.pk, 8000)
    pricing.register_price_boundaries(tool.boundaries)
    pricing.register_item_offers(tool.offers)
    yield product, sku_id
    pricing.unregister_price_boundaries(tool.boundaries)
    pricing.unregister_item_offers(tool.offers)


def prices_seen(client, product_id: int, sku_id: int) -> dict:
    card = client.get("/api/v1/store/products").json()["results"][0]
    detail = client.get(f"/api/v1/store/products/{product_id}").json()
    preview = client.post(
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": sku_id, "quantity": 2}]},
        content_type="application/json",
    ).json()
    client.post("/api/v1/store/cart/items", {"sku_id": sku_id, "quantity": 1}, content_type="application/json")
    cart = client.get("/api/v1/store/cart").json()
    page = client.get(f"/p/{product_id}").content.decode()
    return {
        "html": re.search(r"data-price>([^<]+)<", page).group(1),
        "card": card["price_amount"],
        "page": detail["price_amount"],
        "from": detail["from_price"],
        "sku": next(s["price_amount"] for s in detail["skus"] if s["id"] == sku_id),
        "preview_total": preview["total_amount"],
        "cart_unit": cart["lines"][0]["unit_price_amount"],
    }


def test_a_limited_time_price_is_served_from_its_first_second_to_its_last(client_a, clock, discounted):
    product, sku_id = discounted
    clock["now"] = datetime(2026, 12, 2, 9, 59, 59, tzinfo=SHANGHAI)
    assert prices_seen(client_a, product.pk, sku_id) == {
        "html": "¥100.00", "card": 10000, "page": 10000, "from": True,
        "sku": 10000, "preview_total": 20000, "cart_unit": 10000,
    }  # fmt: skip
    # Same catalog version, caches warm (data caches and any page cache): the new epoch means new keys.
    clock["now"] = START
    assert prices_seen(client_a, product.pk, sku_id) == {
        "html": "¥80.00", "card": 8000, "page": 8000, "from": True,
        "sku": 8000, "preview_total": 16000, "cart_unit": 8000,
    }  # fmt: skip
    clock["now"] = END
    assert prices_seen(client_a, product.pk, sku_id)["card"] == 10000


def test_the_window_token_is_the_current_epoch_and_constant_without_scheduled_prices(clock, shop_a):
    assert pricing.price_window_token() == "0"
    tool = LimitedTimeDiscount(1, 1, 1)
    pricing.register_price_boundaries(tool.boundaries)
    try:
        clock["now"] = datetime(2026, 12, 2, 9, 59, 59, tzinfo=SHANGHAI)
        before = pricing.price_window_token()
        clock["now"] = START
        at_start = pricing.price_window_token()
        clock["now"] = datetime(2026, 12, 2, 11, 30, tzinfo=SHANGHAI)
        assert (before, at_start, pricing.price_window_token()) == ("0", str(int(START.timestamp())), at_start)
    finally:
        pricing.unregister_price_boundaries(tool.boundaries)
    clear_local_cache()
