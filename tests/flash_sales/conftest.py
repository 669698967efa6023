"""Flash-sale fixtures: shop A's catalog (tea ¥129.00 × 10, cup ¥35.50 × 3), a running session selling the tea
at ¥99.00 (5 units, 1 per member) and helpers to buy in it and deliver order events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.events.services import drain_due_events
from tenant_apps.flash_sales import services
from tenant_apps.flash_sales.models import FlashSaleItem, FlashSaleQuota
from tests.orders.conftest import (  # noqa: F401
    Buyer,
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

FLASH_PRICE = 9900


def iso(moment) -> str:
    return moment.isoformat()


def create_sale(shop, skus, *, start=None, minutes=60, publish=True, **item):
    start = start or timezone.now() - timedelta(minutes=1)
    items = [
        {"sku_id": sku.pk, "price_amount": item.get("price_amount", FLASH_PRICE), "stock": item.get("stock", 5),
         "per_member_limit": item.get("per_member_limit", 1),
         "per_order_limit": item.get("per_order_limit", item.get("per_member_limit", 1))}
        for sku in skus
    ]  # fmt: skip
    return in_shop(
        shop,
        lambda: services.create_flash_sale(
            title="10 点场", starts_at=start, ends_at=start + timedelta(minutes=minutes), items=items, publish=publish
        ),
    )


@pytest.fixture
def sale_a(shop_a, catalog_a):  # noqa: F811
    return create_sale(shop_a, [catalog_a.tea])


def flash(sale) -> dict:
    return {"type": "flash_sale", "id": sale.pk}


def buy(buyer: Buyer, sale, sku, quantity: int = 1, **extra):
    return place(buyer, (sku.pk, quantity), activity=flash(sale), **extra)


def remaining(shop, sale) -> int:
    return in_shop(shop, lambda: FlashSaleItem.objects.get(sale=sale).remaining)


def held(shop, sale, buyer: Buyer) -> int:
    return in_shop(
        shop,
        lambda: (
            FlashSaleQuota.objects.filter(item__sale=sale, member_id=buyer.member.pk)
            .values_list("bought", flat=True)
            .first()
            or 0
        ),
    )


def deliver(shop) -> None:
    """Deliver the shop's order events now (what the Celery drain does)."""
    in_shop(shop, lambda: drain_due_events(now=timezone.now() + timedelta(hours=1)))


@pytest.fixture(autouse=True)
def _no_sold_out_memos():
    """Sold-out memos live in the process and ids are reused between tests (rolled back or truncated)."""
    from tenant_apps.flash_sales import extension

    extension._sold_out.clear()
    yield
    extension._sold_out.clear()
