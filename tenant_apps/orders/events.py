"""Order events, published through the events door in the caller's transaction. Orders never call subscribers."""

from typing import Any

from django.utils import timezone

from tenant_apps.events.interface import publish

from .models import Order

PAID, SHIPPED, COMPLETED, REFUNDED, CANCELLED = (
    "order.paid",
    "order.shipped",
    "order.completed",
    "order.refunded",
    "order.cancelled",
)
# Money arrived for an order cancelled meanwhile (its unpaid timer): the payment is kept with `needs_refund`; the
# app that priced the order (a flash sale) decides to keep it (keep_late_payment) or to refund it in full.
PAID_LATE = "order.paid_late"
# That late payment refunded in full while the order stays cancelled. Not `order.refunded`: the order was never
# paid (no order.paid), so nothing that counted a payment or a sale has anything to undo.
LATE_PAYMENT_REFUNDED = "order.late_payment_refunded"
# Money owed back (a late or a duplicate payment) that the gateway refused to refund on a sweep: the timers keep
# trying, and the shop's staff are told once per payment (`payment_id`, `refund_due_amount`).
REFUND_REFUSED = "order.refund_refused"


def order_payload(order: Order) -> dict[str, Any]:
    """What every order event carries: ids, member, amounts and lines (shared shape, documented in docs/orders.md)."""
    return {
        "order_id": order.pk,
        "order_number": order.number,
        "member_id": order.member_id,
        "status": order.status,
        "currency": order.currency,
        "subtotal_amount": order.subtotal_amount,
        "discount_amount": order.discount_amount,
        "shipping_amount": order.shipping_amount,
        "total_amount": order.total_amount,
        "refunded_amount": order.refunded_amount,
        "payment_method": order.payment_method,
        "ref": order.ref_code,
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        "lines": [
            {
                "order_line_id": line.pk,
                "sku_id": line.sku_id,
                "product_id": line.product_id,
                "quantity": line.quantity,
                "total_amount": line.total_amount,
            }
            for line in order.lines.all()
        ],
    }


def publish_order_event(name: str, order: Order, **extra: Any) -> None:
    """`occurred_at`: when this happened (the event may be delivered much later, e.g. after a month end)."""
    publish(name, {**order_payload(order), "occurred_at": timezone.now().isoformat(), **extra})
