"""Order timers: thin, idempotent Celery tasks.

Why this shape: a beat task every minute pops the shops whose earliest order deadline has passed from a Redis
index (deadlines.py) and fans out one task per such shop (tenant-schemas-celery runs it in that shop's
schema). Idle shops cost nothing, unlike a per-shop beat over every schema; and unlike per-order countdown
tasks, nothing sits for 7 days in a broker whose visibility timeout would re-deliver it. A daily sweep over
all shops rebuilds the index if Redis ever lost it.

The same per-shop pass settles late payments whose order.paid_late handling was lost (services/late.py): a late
payment indexes its shop for when it becomes the sweep's business.
"""

from celery import shared_task
from django.utils import timezone

from shared_apps.tenancy.interface import Shop

from . import services
from .deadlines import pop_due_shops
from .services import duplicates, late
from .services.payments import GatewayUnavailable

RETRIES = 8


@shared_task(name="orders.run_due_timers")
def run_due_timers() -> dict:
    """In the shop's schema: cancel unpaid orders past their deadline, complete shipped ones past theirs, and
    settle late payments left unsettled, refund duplicate payments still due."""
    return {
        **services.run_due_timers(),
        **services.settle_lost_late_payments(),
        "duplicates_refunded": duplicates.refund_lost_duplicate_payments(),
    }


@shared_task(name="orders.refund_late_payment", bind=True, max_retries=RETRIES)
def refund_late_payment(self, order_id: int) -> None:
    """In the shop's schema, queued when order.paid_late decided to refund: send the refund through the gateway,
    retried with backoff while the gateway refuses (after that the sweep keeps trying)."""
    try:
        late.send_late_refund(order_id=order_id)
    except GatewayUnavailable as error:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600)) from error


@shared_task(name="orders.refund_duplicate_payment", bind=True, max_retries=RETRIES)
def refund_duplicate_payment(self, payment_id: int) -> None:
    """In the shop's schema, queued when Stripe reported a card payment for an order already paid another way:
    refund it in full, retried with backoff while Stripe refuses (after that the sweep keeps trying)."""
    try:
        duplicates.refund_duplicate_payment(payment_id=payment_id)
    except GatewayUnavailable as error:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600)) from error


def _fan_out(schema_names: list[str]) -> int:
    for schema_name in schema_names:
        run_due_timers.apply_async(headers={"_schema_name": schema_name})
    return len(schema_names)


@shared_task(name="orders.dispatch_due_timers")
def dispatch_due_timers() -> int:
    """Beat, every minute, public schema: run the timers of the shops that have one due."""
    return _fan_out(pop_due_shops(timezone.now()))


@shared_task(name="orders.sweep_all_shops")
def sweep_all_shops() -> int:
    """Beat, daily: every shop once, so a lost index entry delays a timer by at most a day."""
    return _fan_out(list(Shop.objects.exclude(schema_name="public").values_list("schema_name", flat=True)))
