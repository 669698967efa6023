"""What other apps (and the platform's payment webhook intake) may call in orders.

Run it in the shop's schema (e.g. inside `run_in_shop(shop, ...)`).
"""

from .models import Carrier, Order
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
