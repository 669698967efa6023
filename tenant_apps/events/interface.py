"""The events door for other apps: publish domain events, subscribe handlers. See docs/events.md.

from tenant_apps.events.interface import Event, publish, subscriber

with transaction.atomic():
    ...  # change the order
    publish("order.paid", {"order_id": order.pk, "lines": [{"product_id": 7, "quantity": 2}]})

@subscriber("order.paid", handler="distribution.record_commission")  # registered from AppConfig.ready()
def record_commission(event: Event) -> None: ...
"""

from .registry import Event, subscriber
from .services import publish

__all__ = ["Event", "publish", "subscriber"]
