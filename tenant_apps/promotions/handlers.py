"""Order events: a cancelled order's promotion uses stop counting, a refund takes back the refunded units' share
(orders never calls promotions)."""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.cancelled", handler="promotions.void_uses")
def on_cancelled(event: Event) -> None:
    if event.payload.get("order_id"):
        services.void_uses(order_id=event.payload["order_id"])


@subscriber("order.refunded", handler="promotions.return_uses")
def on_refunded(event: Event) -> None:
    if event.payload.get("order_id"):
        services.return_uses(order_id=event.payload["order_id"], payload=event.payload)
