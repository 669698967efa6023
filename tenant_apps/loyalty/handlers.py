"""Loyalty listens to order events only; orders never calls loyalty."""

from tenant_apps.events.interface import Event, subscriber

from . import services


@subscriber("order.paid", handler="loyalty.invitation_paid")
def on_paid(event: Event) -> None:
    services.invitation_paid(member_id=event.payload.get("member_id"), order_id=event.payload["order_id"])


@subscriber("order.completed", handler="loyalty.earn")
def on_completed(event: Event) -> None:
    services.earn_for_completed(payload=event.payload, completed_at=event.created)


@subscriber("order.refunded", handler="loyalty.settle_refund")
def on_refunded(event: Event) -> None:
    services.settle_refund(payload=event.payload)


@subscriber("order.cancelled", handler="loyalty.return_points")
def on_cancelled(event: Event) -> None:
    if event.payload.get("member_id") is not None:
        services.return_for_cancelled(order_id=event.payload["order_id"], member_id=event.payload["member_id"])
