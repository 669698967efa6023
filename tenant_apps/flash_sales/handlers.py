"""Flash sales listen to order events only; orders never call this app."""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.cancelled", handler="flash_sales.release_order")
def on_cancelled(event: Event) -> None:
    """Unpaid and cancelled (shopper, the short pay timer, the merchant): flash stock and quota come back."""
    if event.payload.get("order_id"):
        services.release_order(order_id=event.payload["order_id"])


@subscriber("order.paid", handler="flash_sales.mark_paid")
def on_paid(event: Event) -> None:
    if event.payload.get("order_id"):
        services.mark_paid(order_id=event.payload["order_id"])
