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


@subscriber("order.late_payment_refunded", handler="flash_sales.mark_late_refunded")
def on_late_payment_refunded(event: Event) -> None:
    """Orders refunded a payment that came after the unpaid window (orders' late-payment hook is
    services.retake_for_late_payment): the released participations end refunded."""
    if event.payload.get("order_id"):
        services.mark_late_refunded(order_id=event.payload["order_id"])


@subscriber("order.refunded", handler="flash_sales.return_refunded_units")
def on_refunded(event: Event) -> None:
    """Refunded units of a paid order give back their quota (and flash stock while the session is on)."""
    payload = event.payload
    total, refunded = payload.get("total_amount"), payload.get("refunded_amount") or 0
    if payload.get("order_id"):
        services.return_refunded_units(
            order_id=payload["order_id"],
            refunded_lines=payload.get("refunded_lines") or (),
            in_full=isinstance(total, int) and refunded >= total,
        )
