"""Paying orders through a gateway, and what Stripe tells us afterwards (webhooks routed from the platform).

One charge, one transition, one payment row, whatever the order of events: the order row is locked before the
payment row everywhere, payment rows are unique per (order, method), at most one succeeds per order, and the
PaymentIntent is created with an idempotency key derived from the payment row.
"""

import logging
from dataclasses import dataclass

import stripe
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import ApplicationError, Conflict
from tenant_apps.catalog.interface import reserve_stock

from .. import events, states
from ..models import Order, OrderStatus, Payment, PaymentMethod, PaymentStatus
from ..payments.gateways import ACTION, DUE, SUCCEEDED, gateway_for
from .lifecycle import locked_order

log = logging.getLogger(__name__)


class GatewayUnavailable(ApplicationError):
    """The payment provider could not be reached or refused the request: try again later."""

    status = 503


@dataclass(frozen=True)
class PayResult:
    order: Order
    client_secret: str = ""


def _check_payable(order: Order) -> None:
    if not states.can(order, "pay"):
        if order.status == OrderStatus.CANCELLED:
            raise Conflict(_("This order was cancelled and can no longer be paid."), status=order.status)
        raise Conflict(_("This order is not awaiting payment."), status=order.status)


def _mark_paid(order: Order, payment: Payment, *, due_on_delivery: bool = False, action: str = "pay") -> None:
    """pending_payment -> paid (cash on delivery: paid = shippable, the money comes at delivery); with
    action="keep_late", cancelled -> paid for a payment that arrived after the timer."""
    fields = states.advance(order, action)
    order.payment_method = payment.method
    order.save(update_fields=[*fields, "payment_method"])
    if not due_on_delivery:
        payment.status = PaymentStatus.SUCCEEDED
        payment.succeeded_at = timezone.now()
        payment.save(update_fields=["status", "succeeded_at", "stripe_payment_intent_id"])
    events.publish_order_event(
        events.PAID,
        order,
        gateway=payment.method,
        payment_id=payment.pk,
        payment_status="due_on_delivery" if due_on_delivery else "succeeded",
        application_fee_amount=payment.application_fee_amount,
    )


def pay_order(*, member, order_id: int, method: str, shop) -> PayResult:
    """Pay `member`'s order with `method` (test | cod | stripe).

    test -> paid at once (DEBUG only); cod -> paid, i.e. shippable, with the payment due on delivery;
    stripe -> a PaymentIntent (the same one when asked again) whose client secret the browser confirms;
    the order becomes paid when Stripe's webhook says so. A cancelled or already paid order -> Conflict.
    """
    gateway = gateway_for(method)
    gateway.check_available(shop=shop)
    with transaction.atomic():
        order = locked_order(order_id, member=member)
        _check_payable(order)
        payment, _created = Payment.objects.get_or_create(
            order=order, method=method, defaults={"amount": order.total_amount, "currency": order.currency}
        )
        if method == PaymentMethod.STRIPE:
            if payment.client_secret:
                return PayResult(order, payment.client_secret)  # paying twice: the same intent, one charge
        else:
            started = gateway.start(order=order, payment=payment, shop=shop)
            _mark_paid(order, payment, due_on_delivery=started.outcome == DUE)
            assert started.outcome in (SUCCEEDED, DUE)
            return PayResult(order)
    # A network call: made outside the transaction so no row stays locked while Stripe answers.
    try:
        started = gateway.start(order=order, payment=payment, shop=shop)
    except stripe.StripeError as exc:
        log.warning("stripe: creating the intent of payment %s failed: %s", payment.pk, exc)
        raise GatewayUnavailable(_("The payment service is unavailable; please try again.")) from None
    assert started.outcome == ACTION
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, client_secret="").update(
            stripe_payment_intent_id=started.intent_id,
            client_secret=started.client_secret,
            application_fee_amount=started.application_fee_amount,
            stripe_account_id=shop.stripe_account_id,
        )
        payment.refresh_from_db()
        order.refresh_from_db()
    return PayResult(order, payment.client_secret)


def collect_cash_on_delivery(order: Order) -> None:
    """The courier handed the parcel over and took the money: the cod payment succeeds (called at completion)."""
    if order.payment_method == PaymentMethod.COD:
        Payment.objects.filter(order=order, method=PaymentMethod.COD, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.SUCCEEDED, succeeded_at=timezone.now()
        )


# --- Stripe webhooks (run in the shop's schema by the platform's intake) -------------------------------------


def _payment_for_intent(intent_id: str, metadata: dict) -> Payment | None:
    payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
    if payment is None and str(metadata.get("payment_id", "")).isdigit():
        # The webhook can beat our own write of the intent id: the metadata names the payment row.
        payment = Payment.objects.filter(pk=int(metadata["payment_id"]), method=PaymentMethod.STRIPE).first()
    return payment


def _locked(payment: Payment) -> tuple[Order, Payment]:
    order = locked_order(payment.order_id)  # order first, then payment: the same lock order as pay_order
    return order, Payment.objects.select_for_update().get(pk=payment.pk)


def _intent_succeeded(intent: dict) -> str:
    payment = _payment_for_intent(intent.get("id", ""), intent.get("metadata") or {})
    if payment is None:
        return "unknown_payment"
    order, payment = _locked(payment)
    if payment.status == PaymentStatus.SUCCEEDED or payment.refunded_amount:
        return "duplicate"  # already applied, or a duplicate charge already refunded
    payment.stripe_payment_intent_id = intent.get("id")
    received = intent.get("amount_received", intent.get("amount"))
    if received != payment.amount or str(intent.get("currency", "")).lower() != payment.currency.lower():
        payment.failure_code = "amount_mismatch"
        payment.failure_message = f"received {received} {intent.get('currency')}"
        payment.save(update_fields=["stripe_payment_intent_id", "failure_code", "failure_message"])
        log.error("stripe: intent %s does not match payment %s", intent.get("id"), payment.pk)
        return "amount_mismatch"
    if states.can(order, "pay"):
        _mark_paid(order, payment)
        return "paid"
    # Money arrived for an order that was cancelled (timer) or paid another way meanwhile: it has to be refunded.
    payment.needs_refund = True
    fields = ["stripe_payment_intent_id", "needs_refund"]
    late = order.status == OrderStatus.CANCELLED and not order.payments.filter(status=PaymentStatus.SUCCEEDED).exists()
    if late:
        payment.status, payment.succeeded_at = PaymentStatus.SUCCEEDED, timezone.now()
        fields += ["status", "succeeded_at"]
    payment.save(update_fields=fields)
    log.warning("stripe: payment %s succeeded for order %s in state %s", payment.pk, order.number, order.status)
    if not late:  # a duplicate: the order keeps the way it was paid (cash on delivery); this charge goes back
        _refund_duplicate_later(payment.pk)
        return "duplicate_payment"
    # Late: kept or refunded in full by orders' own subscriber (services/late.py), or by its sweep.
    events.publish_order_event(events.PAID_LATE, order, gateway=payment.method, payment_id=payment.pk)
    from .late import note_late_payment  # late imports this module

    received_at, schema_name = payment.succeeded_at, connection.schema_name
    transaction.on_commit(lambda: note_late_payment(received_at, schema_name), robust=True)
    return "needs_refund"


def _refund_duplicate_later(payment_id: int) -> None:
    """Once this commits: queue the duplicate's refund (a Celery task in this shop's schema), and index the shop's
    timers so the sweep refunds it if the task is lost (services/duplicates.py)."""
    from shared_apps.tenancy.interface import current_shop, run_in_shop

    from ..tasks import refund_duplicate_payment  # tasks import services
    from .duplicates import note_duplicate_payment  # duplicates imports this module

    shop, schema_name = current_shop(), connection.schema_name

    def queue() -> None:
        note_duplicate_payment(schema_name)
        if shop is not None:
            run_in_shop(shop, lambda: refund_duplicate_payment.delay(payment_id))

    transaction.on_commit(queue, robust=True)


@transaction.atomic
def keep_late_payment(*, order_id: int) -> Order:
    """Keep an order whose payment arrived after its unpaid timer cancelled it (the caller, services/late.py, had
    the activity that priced it take its share again in this transaction): its units are reserved again
    (InsufficientStock, a Conflict, when the goods are gone: nothing changes), cancelled -> paid, the payment no
    longer awaits a refund, and `order.paid` is published. Idempotent (a kept order is returned as it is);
    Conflict for any other order."""
    order = locked_order(order_id)
    payment = Payment.objects.select_for_update().filter(order=order, status=PaymentStatus.SUCCEEDED).first()
    if order.status == OrderStatus.PAID and payment is not None and not payment.needs_refund:
        return order
    if (
        order.status != OrderStatus.CANCELLED
        or order.cancel_reason != "timeout"  # a shopper or merchant who cancelled meant it: refund instead
        or payment is None
        or not payment.needs_refund
        or payment.refunded_amount
        or payment.refunds.exists()
    ):
        raise Conflict(_("Only a cancelled order whose payment arrived late can be kept."), status=order.status)
    for line in sorted(order.lines.all(), key=lambda line: line.sku_id):
        reserve_stock(sku_id=line.sku_id, quantity=line.quantity, note=order.number)
    payment.needs_refund = False
    payment.save(update_fields=["needs_refund"])
    _mark_paid(order, payment, action="keep_late")
    return order


def _intent_failed(intent: dict) -> str:
    payment = _payment_for_intent(intent.get("id", ""), intent.get("metadata") or {})
    if payment is None:
        return "unknown_payment"
    _order, payment = _locked(payment)
    if payment.status == PaymentStatus.SUCCEEDED or payment.needs_refund or payment.refunded_amount:
        return "ignored"  # a late failure of an earlier attempt never undoes a success (nor a duplicate's money)
    error = intent.get("last_payment_error") or {}
    payment.status = PaymentStatus.FAILED
    payment.failed_attempts += 1
    payment.failure_code = str(error.get("code") or error.get("decline_code") or "")[:64]
    payment.failure_message = str(error.get("message") or "")[:300]
    payment.save(update_fields=["status", "failed_attempts", "failure_code", "failure_message"])
    return "failed"


def _charge_refunded(charge: dict) -> str:
    intent_id = charge.get("payment_intent") or ""
    payment = _payment_for_intent(intent_id, charge.get("metadata") or {})
    if payment is None:
        return "unknown_payment"
    order, payment = _locked(payment)
    refunded = min(int(charge.get("amount_refunded") or 0), payment.amount)
    if refunded <= payment.refunded_amount:
        return "duplicate"  # Stripe's total only grows: an older event never lowers it
    if payment.status != PaymentStatus.SUCCEEDED:
        from .duplicates import record_duplicate_refund  # duplicates imports this module

        # A charge that never paid this order (it was paid another way): its refund concerns the payment only.
        record_duplicate_refund(payment, refunded)
        return "duplicate_payment_refunded"
    from .aftersales import reconcile_stripe_refunds  # aftersales imports this module

    reconcile_stripe_refunds(order, payment, refunded)
    if refunded <= payment.refunded_amount:
        return "reconciled"  # our own refund rows account for all of it
    delta = refunded - payment.refunded_amount
    payment.refunded_amount = refunded
    if order.status == OrderStatus.CANCELLED:
        return _late_payment_refunded_outside(order, payment, delta)
    payment.save(update_fields=["refunded_amount"])
    order.refunded_amount = min(order.refunded_amount + delta, order.total_amount)
    fields = ["refunded_amount"]
    if order.refunded_amount == order.total_amount and states.can(order, "close"):
        fields += states.advance(order, "close")
    order.save(update_fields=fields)
    _publish_refunded_outside(events.REFUNDED, order, payment, delta)
    return "refunded"


def _late_payment_refunded_outside(order: Order, payment: Payment, delta: int) -> str:
    """Money that came after the cancellation, refunded (in part) outside Micromall, e.g. in Stripe's dashboard: the
    payment and the order record it; once all of it is back the payment no longer awaits a refund and
    `order.late_payment_refunded` is published (never `order.refunded`: the order was never paid)."""
    payment.needs_refund = payment.refunded_amount < payment.amount
    payment.save(update_fields=["refunded_amount", "needs_refund"])
    order.refunded_amount = min(order.refunded_amount + delta, order.total_amount)
    order.save(update_fields=["refunded_amount"])
    if payment.needs_refund:
        return "late_payment_partly_refunded"  # the sweep cannot send the rest as a whole: the staff are told
    _publish_refunded_outside(events.LATE_PAYMENT_REFUNDED, order, payment, delta)
    return "late_payment_refunded"


def _publish_refunded_outside(name: str, order: Order, payment: Payment, delta: int) -> None:
    """A refund Stripe reported that none of our refund rows accounts for: `delta` more went back."""
    events.publish_order_event(
        name,
        order,
        gateway=PaymentMethod.STRIPE,
        payment_id=payment.pk,
        refund_amount=delta,
        refunded_amount=order.refunded_amount,
    )


STRIPE_HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "charge.refunded": _charge_refunded,
}


@transaction.atomic
def handle_stripe_event(*, event_type: str, data_object: dict) -> str:
    """Apply one verified Stripe event to this shop; idempotent. Returns what happened (for the intake log)."""
    handler = STRIPE_HANDLERS.get(event_type)
    if handler is None:
        return "ignored"
    return handler(data_object)
