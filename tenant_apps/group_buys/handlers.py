"""Group buys follow the order events; the orders code never calls this app."""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.paid", handler="group_buys.seat")
def on_paid(event: Event) -> None:
    services.seat_paid_order(order_id=event.payload["order_id"])


@subscriber("order.cancelled", handler="group_buys.release")
def on_cancelled(event: Event) -> None:
    services.drop_cancelled_order(order_id=event.payload["order_id"])


@subscriber("order.refunded", handler="group_buys.refunded")
def on_refunded(event: Event) -> None:
    if event.payload.get("status") == "closed":  # refunded in full: the seat and the units go back
        services.drop_refunded_order(order_id=event.payload["order_id"])
