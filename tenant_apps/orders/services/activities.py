"""What marketing activities ask of orders (group buys first): release a shipping hold, note the group an order
joined, and refund a paid order in full as a system after-sale. Called through orders.interface; orders never
calls an activity back (activities listen to the order events).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Conflict
from shared_apps.tenancy.interface import current_shop

from ..models import (
    AfterSale,
    AfterSaleLine,
    AfterSaleStatus,
    AfterSaleType,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from .aftersales import (
    _claimed_money,
    _finish_refunded,
    _open_claims_amount,
    _open_refund,
    _publish_decision,
    _release_unshipped,
    _send_refund,
    refund_share,
    shipping_claimed,
)
from .lifecycle import locked_order

REASON_CHARS = 200


@transaction.atomic
def release_ship_hold(*, order_id: int) -> bool:
    """The activity let the order go (its group formed): it may ship now. False when it was not on hold."""
    order = locked_order(order_id)
    if not order.ship_hold:
        return False
    order.ship_hold = False
    order.save(update_fields=["ship_hold"])
    return True


@transaction.atomic
def set_order_group(*, order_id: int, group_id: int) -> None:
    """Record the group a paid group-buy order joined (or opened): the order carries group_id (API.md)."""
    order = locked_order(order_id)
    if order.group_id != group_id:
        order.group_id = group_id
        order.save(update_fields=["group_id"])


def refund_order_in_full(*, order_id: int, reason: str, shop=None) -> Order:
    """Give back everything paid for an unshipped order (a failed group...): one system refund-only request for
    every unit not yet claimed, plus shipping, approved at once and sent through the order's gateway.

    Idempotent: a closed order is left as it is; a second call finds every unit claimed and only retries the
    gateway for refunds still pending. Pending shopper requests are rejected first (their units are refunded
    here). Stock returns as for any refund before shipment; the `order.refunded` event it publishes is what
    gives coupons and points back. Raises Conflict for unpaid, cancelled or shipped orders — except a cancelled
    order whose payment arrived after its timer (Payment.needs_refund, `order.paid_late`): that payment is refunded
    in full the same way, without putting stock back (the cancellation did) and the order stays cancelled.
    """
    shop = shop or current_shop()
    with transaction.atomic():
        pending_refunds = open_full_refund(locked_order(order_id), reason=reason)
    for refund_id in pending_refunds:
        _send_refund(refund_id, shop=shop)
    return Order.objects.get(pk=order_id)


def open_full_refund(order: Order, *, reason: str) -> list[int]:
    """The part of `refund_order_in_full` that runs in the caller's transaction (the order row locked): the
    system after-sale and its refund rows; returns the ids of the refunds still to send through the gateway (a
    closed order: none). Sending them later (refund_order_in_full again) refunds nothing twice."""
    reason = (reason or "").strip()[:REASON_CHARS]
    if order.status == OrderStatus.CLOSED:
        return []
    late = order.status == OrderStatus.CANCELLED and _late_payment(order)
    if order.status == OrderStatus.PENDING_PAYMENT or (order.status == OrderStatus.CANCELLED and not late):
        raise Conflict(_("Only a paid order can be refunded."), status=order.status)
    if order.shipments.exists():
        raise Conflict(_("This order has been shipped: it cannot be refunded in full here."), status=order.status)
    now = timezone.now()
    for pending in AfterSale.objects.select_for_update().filter(order=order, status=AfterSaleStatus.REQUESTED):
        pending.status = AfterSaleStatus.REJECTED
        pending.reject_reason = reason
        pending.decided_at = now
        pending.save(update_fields=["status", "reject_reason", "decided_at"])
        _publish_decision(order, pending, "rejected")
    _refund_unclaimed(order, reason, now, put_back=not late)
    return list(Refund.objects.filter(payment__order=order, status=RefundStatus.PENDING).values_list("pk", flat=True))


def _late_payment(order: Order) -> bool:
    """A cancelled order with a succeeded payment: money that came after the cancellation (refunded or not yet)."""
    return Payment.objects.filter(order=order, status=PaymentStatus.SUCCEEDED).exists()


def _refund_unclaimed(order: Order, reason: str, now, *, put_back: bool = True) -> None:
    money = _claimed_money(order)
    wanted = []
    for line in order.lines.all():
        units, claimed = money.get(line.pk, (0, 0))
        if units < line.quantity:
            amount = refund_share(line, claimed_quantity=units, claimed_amount=claimed, quantity=line.quantity - units)
            wanted.append(AfterSaleLine(order_line=line, quantity=line.quantity - units, refund_amount=amount))
    if not wanted:
        return  # every unit is refunded or being refunded already
    shipping = 0 if shipping_claimed(order) else order.shipping_amount
    refund_amount = sum(line.refund_amount for line in wanted) + shipping
    if order.refunded_amount + _open_claims_amount(order) + refund_amount > order.total_amount:
        raise Conflict(_("That would refund more than was paid for this order."), status=order.status)
    aftersale = AfterSale.objects.create(
        order=order, type=AfterSaleType.REFUND, status=AfterSaleStatus.APPROVED, reason=reason,
        refund_amount=refund_amount, shipping_refund_amount=shipping, decided_at=now,
    )  # fmt: skip
    for line in wanted:
        line.aftersale = aftersale
    AfterSaleLine.objects.bulk_create(wanted)
    _publish_decision(order, aftersale, "approved")
    if put_back:  # a cancelled order's units went back to stock when it was cancelled
        _release_unshipped(order, aftersale)
    if _open_refund(order, aftersale) is None:
        _finish_refunded(order, aftersale, None)  # nothing was paid (a free order): done at once
