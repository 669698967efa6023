"""Money taken twice for one order: a card payment that succeeds after the order was paid another way (the shopper
opened the card form, chose cash on delivery instead, then finished the card payment after all). The order keeps
the way it was paid; the duplicate charge is refunded in full through Stripe (refund reason "duplicate"), by a
Celery task queued when Stripe's webhook reports it, or by the sweep with the shop's order timers when that task
was lost. A duplicate is a payment with `needs_refund` that never became the order's succeeded payment.

Idempotent: the refund's idempotency key is derived from the payment row, and the row is closed (refunded_amount =
amount, needs_refund off) by whichever comes first, our own answer from Stripe or its charge.refunded webhook.
"""

import logging
from datetime import datetime

import stripe
from django.utils import timezone
from django.utils.translation import gettext as _

from ..deadlines import note_deadline
from ..models import Payment, PaymentMethod, PaymentStatus
from ..payments.gateways import StripeGateway
from .late import SETTLE_GRACE, SWEEP_BATCH, alert_refund_refused
from .payments import GatewayUnavailable

log = logging.getLogger(__name__)


def duplicate_payments():
    """Card payments that took money for an order already paid another way, not yet refunded."""
    return Payment.objects.filter(method=PaymentMethod.STRIPE, needs_refund=True).exclude(
        status=PaymentStatus.SUCCEEDED
    )


def refund_duplicate_payment(*, payment_id: int, shop=None) -> bool:
    """Refund the duplicate payment `payment_id` in full (False: nothing to refund, e.g. already done). Outside
    any transaction: no row is locked while Stripe answers. GatewayUnavailable when Stripe refuses: still due."""
    payment = duplicate_payments().filter(pk=payment_id, stripe_payment_intent_id__isnull=False).first()
    if payment is None or payment.refunded_amount >= payment.amount:
        return False
    try:
        StripeGateway().refund_duplicate(payment=payment, shop=shop)
    except stripe.StripeError as exc:
        log.warning("stripe: refunding the duplicate payment %s failed: %s", payment.pk, exc)
        raise GatewayUnavailable(_("The payment service is unavailable; please try again.")) from None
    closed = record_duplicate_refund(payment, payment.amount)
    log.info("orders: duplicate payment %s of order %s refunded in full", payment.pk, payment.order_id)
    return closed


def record_duplicate_refund(payment: Payment, refunded: int) -> bool:
    """Stripe says `refunded` of the duplicate `payment` went back (our own refund, or the merchant's in Stripe's
    dashboard): recorded on the payment only; the order, paid another way, is not touched. True if this closed it."""
    refunded = min(refunded, payment.amount)
    changed = (
        Payment.objects.filter(pk=payment.pk, refunded_amount__lt=refunded)
        .exclude(status=PaymentStatus.SUCCEEDED)
        .update(refunded_amount=refunded, needs_refund=refunded < payment.amount)
    )
    return bool(changed) and refunded == payment.amount


def refund_lost_duplicate_payments(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """The sweep (with the shop's order timers): refund the duplicates still due (their task was lost or gave up);
    the number refunded. Racing the task is harmless: both send the same idempotency key, and the row is closed
    once. On a refusal the shop's staff are told (once per payment) and the timers come back after SETTLE_GRACE."""
    now = now or timezone.now()
    due = list(duplicate_payments().order_by("pk").values_list("pk", flat=True)[:limit])
    refunded = 0
    for payment_id in due:
        try:
            refunded += refund_duplicate_payment(payment_id=payment_id)
        except GatewayUnavailable:
            alert_refund_refused(payment_id)
    if len(due) > refunded or len(due) == limit:
        note_deadline(now + SETTLE_GRACE)
    return refunded


def note_duplicate_payment(schema_name: str | None = None) -> None:
    """A duplicate was just reported: have the shop's timers (and so the sweep) come by after SETTLE_GRACE, in
    case its refund task is lost."""
    note_deadline(timezone.now() + SETTLE_GRACE, schema_name)
