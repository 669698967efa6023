"""Coupons follow the order events (never calls from orders) and give new members their coupons."""

from django.dispatch import receiver

from tenant_apps.events.interface import Event, subscriber
from tenant_apps.members.interface import member_registered

from . import services


def _order_id(event: Event) -> int | None:
    """Events without an order id (another app's test payloads) concern no coupon."""
    return event.payload.get("order_id")


@subscriber("order.paid", handler="coupons.mark_used")
def on_paid(event: Event) -> None:
    if _order_id(event) is not None:
        services.mark_used(order_id=_order_id(event), now=event.created)


@subscriber("order.cancelled", handler="coupons.release")
def on_cancelled(event: Event) -> None:
    if _order_id(event) is not None:
        services.release(order_id=_order_id(event))


@subscriber("order.refunded", handler="coupons.return_after_refund")
def on_refunded(event: Event) -> None:
    payload = event.payload
    if _order_id(event) is None:
        return
    if payload.get("total_amount") and payload.get("refunded_amount", 0) >= payload["total_amount"]:
        services.return_after_refund(order_id=payload["order_id"])


@receiver(member_registered, dispatch_uid="coupons.issue_on_register")
def issue_on_register(sender, member, **kwargs) -> None:
    """Runs inside the registration transaction; a sold-out template is skipped, never a refusal."""
    services.issue_on_registration(member=member)
