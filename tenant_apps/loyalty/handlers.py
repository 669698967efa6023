"""Loyalty listens to order events only; orders never calls loyalty."""

from tenant_apps.events.interface import Event, subscriber

from . import services


def _about_a_members_order(payload) -> bool:
    """Events without an order and a member (e.g. another app's test payloads) concern no points."""
    return payload.get("order_id") is not None and payload.get("member_id") is not None


@subscriber("order.paid", handler="loyalty.invitation_paid")
def on_paid(event: Event) -> None:
    if _about_a_members_order(event.payload):
        services.invitation_paid(member_id=event.payload["member_id"], order_id=event.payload["order_id"])


@subscriber("order.completed", handler="loyalty.earn")
def on_completed(event: Event) -> None:
    if _about_a_members_order(event.payload) and "total_amount" in event.payload:
        services.earn_for_completed(payload=event.payload, completed_at=event.created)


@subscriber("order.refunded", handler="loyalty.settle_refund")
def on_refunded(event: Event) -> None:
    if _about_a_members_order(event.payload) and "total_amount" in event.payload:
        services.settle_refund(payload=event.payload)


@subscriber("order.cancelled", handler="loyalty.return_points")
def on_cancelled(event: Event) -> None:
    if _about_a_members_order(event.payload):
        services.return_for_cancelled(order_id=event.payload["order_id"], member_id=event.payload["member_id"])
