"""Payments and orders reach the data centre through the order events only; orders never calls analytics.

An event without the order's id and member (not an order event as orders publishes it) is left alone: the data
centre must never keep another subscriber's event failing.
"""

import logging
from datetime import datetime

from django.utils.dateparse import parse_datetime

from tenant_apps.events.interface import Event, subscriber

from . import services

logger = logging.getLogger(__name__)


def is_order_payload(event: Event) -> bool:
    if isinstance(event.payload.get("order_id"), int) and isinstance(event.payload.get("member_id"), int):
        return True
    logger.warning("analytics: %s %s has no order_id/member_id; skipped", event.name, event.id)
    return False


@subscriber("order.paid", handler="analytics.record_paid")
def on_paid(event: Event) -> None:
    if not is_order_payload(event):
        return
    services.record_paid(payload=event.payload, at=event.created)


@subscriber("order.shipped", handler="analytics.record_shipped")
def on_shipped(event: Event) -> None:
    if not is_order_payload(event):
        return
    services.record_shipped(payload=event.payload, at=event.created)


@subscriber("order.refunded", handler="analytics.record_refunded")
def on_refunded(event: Event) -> None:
    if not is_order_payload(event):
        return
    services.record_refunded(payload=event.payload)


@subscriber("group.formed", handler="analytics.record_group_formed")
def on_group_formed(event: Event) -> None:
    """Group buys: `{"order_ids": [...], "formed_at": iso}`; the orders count as paid at the group's formation."""
    order_ids = [order_id for order_id in event.payload.get("order_ids") or [] if isinstance(order_id, int)]
    if not order_ids:
        logger.warning("analytics: %s %s has no order_ids; skipped", event.name, event.id)
        return
    services.record_group_formed(order_ids=order_ids, at=_moment(event.payload.get("formed_at")) or event.created)


def _moment(value) -> datetime | None:
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
