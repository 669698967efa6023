"""Bargains follow the order events; the orders code never calls this app."""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.cancelled", handler="bargains.release")
def on_cancelled(event: Event) -> None:
    services.release_order(order_id=event.payload["order_id"])


@subscriber("order.refunded", handler="bargains.refunded")
def on_refunded(event: Event) -> None:
    if event.payload.get("status") == "closed":  # refunded in full: the unit goes back
        services.release_order(order_id=event.payload["order_id"])
