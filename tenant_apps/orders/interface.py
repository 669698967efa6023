"""What other apps (and the platform's payment webhook intake) may call in orders.

Run it in the shop's schema (e.g. inside `run_in_shop(shop, ...)`).
"""

from datetime import datetime

from django.db.models import F

from .models import Carrier, Order, OrderStatus
from .selectors import orders_placed_per_day, pending_aftersales_count
from .services import (
    LateOrder,
    handle_stripe_event,
    order_settings,
    refund_order_in_full,
    register_late_payment_hook,
    release_ship_hold,
    set_order_group,
)

__all__ = [
    "LateOrder",
    "carrier_label",
    "handle_stripe_event",
    "member_next_paid_order",
    "order_refunded_amount",
    "orders_placed_per_day",
    "pending_aftersales_count",
    "refund_order_in_full",
    "register_late_payment_hook",
    "release_ship_hold",
    "return_window_days",
    "set_order_group",
]


def carrier_label(code: str) -> str:
    """The carrier's name in the active language (its code when unknown)."""
    return str(Carrier(code).label) if code in Carrier.values else code


def return_window_days() -> int:
    """Days after completion during which the shop accepts returns (OrderSettings.return_window_days)."""
    return order_settings().return_window_days


def order_refunded_amount(order_id: int) -> int:
    """What has been refunded of the order so far (0 for an unknown id). Event subscribers read it when an
    order.paid reaches them after the order's order.refunded (delivery order is not guaranteed)."""
    return Order.objects.filter(pk=order_id).values_list("refunded_amount", flat=True).first() or 0


def member_next_paid_order(*, member_id: int, exclude_order_id: int) -> tuple[int, datetime | None] | None:
    """(id, completed_at) of the member's earliest paid order not refunded in full, other than `exclude_order_id`;
    None when there is none (loyalty: the order an invitation moves to when its first one is refunded)."""
    return (
        Order.objects.filter(
            member_id=member_id,
            status__in=[OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED],
            refunded_amount__lt=F("total_amount"),
        )
        .exclude(pk=exclude_order_id)
        .order_by("paid_at", "pk")
        .values_list("pk", "completed_at")
        .first()
    )
