"""Money that arrived after the unpaid timer cancelled its order (`order.paid_late`), settled the same way for
every order, plain or priced by an activity.

An order cancelled by its timer is kept (cancelled -> paid) when its goods can be reserved again and the activity
that priced it, if any, takes its share back (flash units and quota, a group-buy seat, a bargain session): each
activity registers a hook for its `Order.activity_type` from its AppConfig.ready(), so orders never imports an
activity. Everything else is refunded in full through the gateway: a shopper's or merchant's cancellation, goods
or activity share gone, an activity without a hook, and an order that spent a coupon or points (the cancellation
gave them back to the member; orders does not take them again). The refund rows are written in the deciding
transaction and sent after it (no row stays locked while the gateway answers); a lost send is found by the sweep,
which runs with the shop's order timers.

Idempotent: the order row is locked, a kept order is no longer cancelled, and a refunded (or refunding) payment is
never kept, so settling twice never keeps twice nor refunds twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import ApplicationError, Conflict, NotFound

from .. import events
from ..deadlines import note_deadline
from ..models import Order, OrderStatus, Payment, PaymentStatus
from .activities import open_full_refund, refund_order_in_full
from .lifecycle import locked_order
from .payments import keep_late_payment

log = logging.getLogger(__name__)

KEPT, REFUNDING, REFUNDED = "kept", "refunding", "refunded"
# The order.paid_late handler normally settles a late payment within seconds; the sweep takes over after this.
SETTLE_GRACE = timedelta(minutes=5)
SWEEP_BATCH = 100


@dataclass(frozen=True)
class LateOrder:
    """What an activity's hook is told about an order paid after its timer (the order row is locked)."""

    order_id: int
    number: str
    member_id: int
    activity_id: int | None
    group_id: int | None  # as placed: the group asked to join (group buy), the session (bargain)
    lines: tuple[tuple[int, int, int], ...]  # (sku_id, quantity, unit_price_amount), gifts left out


LateHook = Callable[[LateOrder], None]
_hooks: dict[str, LateHook] = {}


def register_late_payment_hook(activity_type: str, hook: LateHook) -> None:
    """Let the activity of `activity_type` decide on its orders paid late. `hook(order)` runs in the transaction
    that keeps the order: it takes the activity's share again, or raises Conflict to have the order refunded
    (whatever it wrote is rolled back with the rest)."""
    if _hooks.setdefault(activity_type, hook) is not hook:
        raise ValueError(f"a late-payment hook is already registered for {activity_type!r}")


def _late_order(order: Order) -> LateOrder:
    return LateOrder(
        order_id=order.pk,
        number=order.number,
        member_id=order.member_id,
        activity_id=order.activity_id,
        group_id=order.group_id,
        lines=tuple(
            (line.sku_id, line.quantity, line.unit_price_amount) for line in order.lines.all() if not line.is_gift
        ),
    )


def _late_payments():
    """Succeeded payments still awaiting their refund, of cancelled orders: money that came after the timer."""
    return Payment.objects.filter(
        status=PaymentStatus.SUCCEEDED, needs_refund=True, order__status=OrderStatus.CANCELLED
    )


def _kept(order: Order, payment: Payment) -> bool:
    """Keep the order if everything agrees (in a savepoint: a refusal leaves nothing taken)."""
    if order.cancel_reason != "timeout" or payment.refunded_amount or payment.refunds.exists():
        return False  # a shopper or merchant who cancelled meant it; a refund once started is finished
    if order.coupon_code or order.points_used:
        return False  # the cancellation gave the coupon and the points back: keeping would discount twice
    hook = _hooks.get(order.activity_type) if order.activity_type else None
    if order.activity_type and hook is None:
        log.warning("orders: no late-payment hook for activity %r (order %s)", order.activity_type, order.number)
        return False
    try:
        with transaction.atomic():
            if hook is not None:
                hook(_late_order(order))
            keep_late_payment(order_id=order.pk)
    except Conflict as refusal:
        log.info("orders: the late payment of order %s is refunded: %s", order.number, refusal)
        return False
    return True


@transaction.atomic
def decide_late_payment(*, order_id: int) -> str:
    """Keep the order (KEPT) or write its full refund (REFUNDING: to be sent by `send_late_refund`); "" when there
    is nothing to settle (not a cancelled order with a late payment, or already kept or refunded)."""
    try:
        order = locked_order(order_id)
    except NotFound:
        return ""  # an event about no order of this shop: nothing to settle, nothing to retry
    payment = _late_payments().select_for_update(of=("self",)).filter(order=order).first()
    if order.status != OrderStatus.CANCELLED or payment is None:
        return ""
    if _kept(order, payment):
        return KEPT
    open_full_refund(order, reason=_refund_reason())
    return REFUNDING


def _refund_reason() -> str:
    return _("The payment arrived after the order was cancelled: full refund.")


def send_late_refund(*, order_id: int, shop=None) -> None:
    """Send the refund `decide_late_payment` wrote, through the gateway (outside any transaction); idempotent.
    GatewayUnavailable when the gateway refuses: the refund stays pending for the next try."""
    refund_order_in_full(order_id=order_id, reason=_refund_reason(), shop=shop)


def settle_late_payment(*, order_id: int, shop=None) -> str:
    """Decide, then send the refund if it came to that: KEPT, REFUNDED or "" (nothing to settle). Run it outside
    transactions: the gateway is called after the deciding one commits."""
    outcome = decide_late_payment(order_id=order_id)
    if outcome == REFUNDING:
        send_late_refund(order_id=order_id, shop=shop)
        return REFUNDED
    return outcome


def settle_lost_late_payments(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> dict[str, int]:
    """The sweep (with the shop's order timers): settle late payments older than SETTLE_GRACE that are still
    awaiting their refund (the order.paid_late handler or its refund task was lost), then index the shop's next
    visit while some are left. Safe to run twice or concurrently."""
    now = now or timezone.now()
    done = {"late_kept": 0, "late_refunded": 0, "late_errors": 0}
    due = list(
        _late_payments()
        .filter(succeeded_at__lte=now - SETTLE_GRACE)
        .order_by("order_id")
        .values_list("order_id", flat=True)[:limit]
    )
    for order_id in due:
        try:
            outcome = settle_late_payment(order_id=order_id)
        except ApplicationError as error:
            log.warning("orders: settling the late payment of order %s failed: %s", order_id, error)
            done["late_errors"] += 1
            payment_id = _late_payments().filter(order_id=order_id).values_list("pk", flat=True).first()
            if payment_id is not None:  # the gateway refused, or the money cannot go back as a whole (in part
                alert_refund_refused(payment_id)  # refunded in Stripe's dashboard already): a person has to look
            continue
        if outcome:
            done[f"late_{outcome}"] += 1
    if done["late_errors"] or len(due) == limit:
        note_deadline(now + SETTLE_GRACE)
    note_late_payment(
        _late_payments().filter(succeeded_at__gt=now - SETTLE_GRACE).aggregate(at=Min("succeeded_at"))["at"]
    )
    return done


@transaction.atomic
def alert_refund_refused(payment_id: int) -> bool:
    """A sweep could not send back money this payment owes (a late or a duplicate payment: the gateway refused, or
    the rest of a payment already refunded in part elsewhere cannot go back as a whole): tell the shop's staff once
    (`order.refund_refused`); the sweeps keep trying. True if this call told them."""
    payment = (
        Payment.objects.select_related("order")
        .filter(pk=payment_id, needs_refund=True, refund_alerted_at__isnull=True)
        .select_for_update(of=("self",))
        .first()
    )
    if payment is None:
        return False
    payment.refund_alerted_at = timezone.now()
    payment.save(update_fields=["refund_alerted_at"])
    events.publish_order_event(
        events.REFUND_REFUSED,
        payment.order,
        gateway=payment.method,
        payment_id=payment.pk,
        refund_due_amount=payment.amount - payment.refunded_amount,
    )
    return True


def note_late_payment(succeeded_at: datetime | None, schema_name: str | None = None) -> None:
    """Have the shop's timers run when a late payment received at `succeeded_at` becomes the sweep's business."""
    if succeeded_at is not None:
        note_deadline(succeeded_at + SETTLE_GRACE, schema_name)
