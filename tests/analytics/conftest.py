"""Data centre fixtures: events pushed through the real Redis buffer at chosen times, then flushed; order facts
delivered through the real order-event handlers."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from tenant_apps.analytics import collect, services
from tenant_apps.events.interface import publish
from tenant_apps.events.services import drain_due_events
from tests.orders.conftest import buyer_a, catalog_a, celery_eager  # noqa: F401

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def at(day: date, hour: int = 10, minute: int = 0) -> float:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).timestamp()


def push(shop, kind: str, visitor: str, day: date, hour: int = 10, **fields) -> None:
    with tenant_context(shop):
        collect.record(kind, visitor=visitor, at=at(day, hour), **fields)


def flush(shop) -> int:
    with tenant_context(shop):
        return services.flush_events()


def deliver(shop, name: str, payload: dict, when: datetime | None = None) -> None:
    """Publish an order event as orders does (in a transaction) and deliver it the way the drain does."""
    with tenant_context(shop):
        with transaction.atomic():
            event_id = publish(name, payload)
            if when is not None:
                from tenant_apps.events.models import OutboxEvent

                OutboxEvent.objects.filter(pk=event_id).update(created=when)
        drain_due_events()


def paid_payload(order_id: int, member_id: int, total: int, lines=None, **extra) -> dict:
    return {
        "order_id": order_id,
        "order_number": f"N{order_id}",
        "member_id": member_id,
        "status": "paid",
        "currency": "CNY",
        "total_amount": total,
        "payment_method": extra.pop("payment_method", "test"),
        "payment_status": extra.pop("payment_status", "succeeded"),
        "lines": lines or [{"order_line_id": order_id, "sku_id": 1, "product_id": 1, "quantity": 1,
                            "total_amount": total}],
        **extra,
    }  # fmt: skip


def when(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def analytics_shop(shop_a):
    return shop_a
