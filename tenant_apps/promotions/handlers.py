"""Order events: a cancelled order's promotion uses stop counting (orders never calls promotions)."""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.cancelled", handler="promotions.void_uses")
def on_cancelled(event: Event) -> None:
    services.void_uses(order_id=event.payload["order_id"])
