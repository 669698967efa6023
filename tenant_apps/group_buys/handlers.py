"""Group buys follow the order events; the orders code never calls this app."""

from tenant_apps.events.interface import Event, subscriber

from . import services


def _order_id(event: Event) -> int | None:
    """The order of the event; None for a payload without one (nothing of ours to do)."""
    order_id = event.payload.get("order_id")
    return order_id if isinstance(order_id, int) and not isinstance(order_id, bool) else None


@subscriber("order.paid", handler="group_buys.seat")
def on_paid(event: Event) -> None:
    if (order_id := _order_id(event)) is not None:
        services.seat_paid_order(order_id=order_id)


@subscriber("order.cancelled", handler="group_buys.release")
def on_cancelled(event: Event) -> None:
    if (order_id := _order_id(event)) is not None:
        services.drop_cancelled_order(order_id=order_id)


@subscriber("order.refunded", handler="group_buys.refunded")
def on_refunded(event: Event) -> None:
    # Refunded in full (the order closed): the seat and the units go back.
    if event.payload.get("status") == "closed" and (order_id := _order_id(event)) is not None:
        services.drop_refunded_order(order_id=order_id)
