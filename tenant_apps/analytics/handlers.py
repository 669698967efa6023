"""Payments and orders reach the data centre through the order events only; orders never calls analytics.

An event without the order's id and member (not an order event as orders publishes it) is left alone: the data
centre must never keep another subscriber's event failing.
"""

import logging

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
    """Marketing's group buys (when they land): `{"order_ids": [...]}` count as paid when the group forms."""
    services.record_group_formed(order_ids=list(event.payload.get("order_ids", [])), at=event.created)
