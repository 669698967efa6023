"""The order state machine: the one place that moves `Order.status`.

    pending_payment --pay--> paid --ship--> shipped --complete--> completed
    pending_payment --cancel--> cancelled
    cancelled --keep_late--> paid                      (money arrived after the timer; the activity took its stock
                                                        again: orders.services.keep_late_payment)
    paid | shipped | completed --close--> closed      (everything refunded: after-sales)

Callers lock the order row (select_for_update) first, then call `advance`; an illegal move raises Conflict
(HTTP 409) and changes nothing.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from micromall.errors import Conflict

from .models import Order, OrderStatus

S = OrderStatus


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    stamp: str  # the timestamp field set when the move happens
    refusal: str  # why the move is refused (lazy: translated when raised)


TRANSITIONS: dict[str, Transition] = {
    "pay": Transition(
        frozenset({S.PENDING_PAYMENT}), S.PAID, "paid_at", gettext_lazy("Only an order awaiting payment can be paid.")
    ),
    "ship": Transition(
        frozenset({S.PAID}), S.SHIPPED, "shipped_at", gettext_lazy("Only an order awaiting shipment can be shipped.")
    ),
    "complete": Transition(
        frozenset({S.SHIPPED}), S.COMPLETED, "completed_at", gettext_lazy("Only a shipped order can be completed.")
    ),
    "cancel": Transition(
        frozenset({S.PENDING_PAYMENT}),
        S.CANCELLED,
        "cancelled_at",
        gettext_lazy("Only an order awaiting payment can be cancelled."),
    ),
    "keep_late": Transition(
        frozenset({S.CANCELLED}),
        S.PAID,
        "paid_at",
        gettext_lazy("Only a cancelled order whose payment arrived late can be kept."),
    ),
    "close": Transition(
        frozenset({S.PAID, S.SHIPPED, S.COMPLETED}),
        S.CLOSED,
        "closed_at",
        gettext_lazy("Only a paid order can be closed."),
    ),
}


def can(order: Order, action: str) -> bool:
    return order.status in TRANSITIONS[action].sources


def advance(order: Order, action: str) -> list[str]:
    """Move `order` by `action` (in memory) and return the fields to save; Conflict when not allowed."""
    transition = TRANSITIONS[action]
    if order.status not in transition.sources:
        raise Conflict(
            _("%(refusal)s This order is: %(status)s.")
            % {"refusal": transition.refusal, "status": OrderStatus(order.status).label},
            status=order.status,
        )
    order.status = transition.target
    setattr(order, transition.stamp, timezone.now())
    return ["status", transition.stamp]
