"""The ledger listens to order events only; the orders code never calls distribution."""

from django.dispatch import receiver

from tenant_apps.events.interface import Event, subscriber
from tenant_apps.members.interface import member_registered

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


@receiver(member_registered, dispatch_uid="distribution.bind_on_register")
def bind_on_register(sender, member, ref: str = "", **kwargs) -> None:
    """Runs inside the registration transaction: a bad code refuses the registration (400, nothing created)."""
    if ref:
        services.bind(member=member, code=ref, source="register")
