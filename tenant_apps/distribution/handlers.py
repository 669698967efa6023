"""The ledger listens to order events only; the orders code never calls distribution. (Binding at registration
is members' explicit call through interface.bind_registered_member; binding at a first order happens on
order.paid, from the share code the order carries.)"""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.paid", handler="distribution.record_commission")
def on_paid(event: Event) -> None:
    services.record_commission(payload=event.payload)


@subscriber("order.completed", handler="distribution.schedule_release")
def on_completed(event: Event) -> None:
    services.schedule_release(order_id=event.payload["order_id"], completed_at=event.created)


@subscriber("order.refunded", handler="distribution.reverse_refund")
def on_refunded(event: Event) -> None:
    services.reverse_refund(payload=event.payload)


@subscriber("order.cancelled", handler="distribution.void_order")
def on_cancelled(event: Event) -> None:
    services.void_order(order_id=event.payload["order_id"])
