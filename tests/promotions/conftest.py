"""Promotions fixtures: the orders catalog and buyers, a merchant client, rules created through the services."""

from datetime import UTC, datetime, timedelta

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, ProductStatus, Sku
from tenant_apps.pricing import interface as pricing
from tests.orders.conftest import (  # noqa: F401  (fixtures)
    _empty_deadline_index,
    buyer_a,
    buyer_a2,
    buyer_b,
    catalog_a,
    catalog_b,
    in_shop,
    make_buyer,
    make_catalog,
    place,
)

NOW = datetime(2026, 6, 1, 10, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The pricing clock, stood where a test needs it (no sleeps)."""
    moment = {"now": NOW}
    monkeypatch.setattr(pricing, "current_time", lambda: moment["now"])
    return moment


def window(hours_before: int = 1, hours_after: int = 24) -> dict:
    return {"starts_at": NOW - timedelta(hours=hours_before), "ends_at": NOW + timedelta(hours=hours_after)}


def iso(moment: datetime) -> str:
    return moment.isoformat()


def make_sku(shop, title: str, price: int, stock: int = 10, code: str = "", status=ProductStatus.ACTIVE) -> Sku:
    def build():
        product = Product.objects.create(title=title, status=status, min_price_amount=price)
        return Sku.objects.create(product=product, code=code or f"SKU-{title}", price_amount=price, stock=stock)

    with tenant_context(shop):
        return build()
