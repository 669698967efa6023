"""Order writers: each public function is one transaction (payments may add one network call before it)."""

from .activities import refund_order_in_full, release_ship_hold, set_order_group
from .aftersales import approve_aftersale, receive_return, reject_aftersale, request_aftersale, ship_exchange
from .late import (
    LateOrder,
    decide_late_payment,
    register_late_payment_hook,
    settle_late_payment,
    settle_lost_late_payments,
)
from .lifecycle import (
    cancel_order,
    close_order,
    complete_order,
    confirm_receipt,
    order_settings,
    run_due_timers,
    update_order_settings,
)
from .payments import handle_stripe_event, keep_late_payment, pay_order
from .placing import place_order
from .shipping import ship_order

__all__ = [
    "LateOrder",
    "approve_aftersale",
    "cancel_order",
    "close_order",
    "complete_order",
    "confirm_receipt",
    "decide_late_payment",
    "handle_stripe_event",
    "keep_late_payment",
    "order_settings",
    "pay_order",
    "place_order",
    "receive_return",
    "refund_order_in_full",
    "register_late_payment_hook",
    "reject_aftersale",
    "release_ship_hold",
    "request_aftersale",
    "run_due_timers",
    "set_order_group",
    "settle_late_payment",
    "settle_lost_late_payments",
    "ship_exchange",
    "ship_order",
    "update_order_settings",
]
