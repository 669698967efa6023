"""Flash-sale tasks: refund late payments that found their flash stock gone (queued on commit by the
order.paid_late handler, in the shop's schema; retried with backoff while the gateway refuses)."""

from celery import shared_task

from . import services

RETRIES = 8


@shared_task(name="flash_sales.refund_late_orders", bind=True, max_retries=RETRIES)
def refund_late_orders(self) -> dict:
    done = services.refund_late_orders()
    if done["refund_errors"]:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))
    return done
