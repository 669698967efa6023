"""Payments and orders reach the data centre through the order events only; orders never calls analytics."""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.paid", handler="analytics.record_paid")
def on_paid(event: Event) -> None:
    services.record_paid(payload=event.payload, at=event.created)


@subscriber("order.shipped", handler="analytics.record_shipped")
def on_shipped(event: Event) -> None:
    services.record_shipped(payload=event.payload, at=event.created)


@subscriber("order.refunded", handler="analytics.record_refunded")
def on_refunded(event: Event) -> None:
    services.record_refunded(payload=event.payload)


@subscriber("group.formed", handler="analytics.record_group_formed")
def on_group_formed(event: Event) -> None:
    """Marketing's group buys (when they land): `{"order_ids": [...]}` count as paid when the group forms."""
    services.record_group_formed(order_ids=list(event.payload.get("order_ids", [])), at=event.created)
