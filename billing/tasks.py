"""Billing tasks (public schema only): thin and idempotent, they call services / stripe_sync."""

from celery import shared_task

from . import services
from .services import stripe_billing as stripe_sync


@shared_task(name="billing.run_billing", ignore_result=True)
def run_billing() -> dict:
    """Beat (hourly): renewals, monthly technical-fee lines, invoices, overdue invoices, dunning."""
    run = services.run_billing()
    return {"renewed": len(run.renewed), "invoices": len(run.invoices), "suspended": len(run.suspended)}


@shared_task(name="billing.stripe_sync_subscription", ignore_result=True, autoretry_for=(Exception,), retry_backoff=30)
def stripe_sync_subscription(subscription_id: int) -> None:
    stripe_sync.sync_subscription(subscription_id=subscription_id)


@shared_task(name="billing.stripe_apply_change", ignore_result=True, autoretry_for=(Exception,), retry_backoff=30)
def stripe_apply_change(change_id: int) -> None:
    stripe_sync.apply_change(change_id=change_id)


@shared_task(name="billing.stripe_sync_cancel_flag", ignore_result=True, autoretry_for=(Exception,), retry_backoff=30)
def stripe_sync_cancel_flag(subscription_id: int) -> None:
    stripe_sync.sync_cancel_flag(subscription_id=subscription_id)


@shared_task(name="billing.stripe_join_consolidated", ignore_result=True, autoretry_for=(Exception,), retry_backoff=30)
def stripe_join_consolidated(subscription_id: int) -> None:
    stripe_sync.join_consolidated(subscription_id=subscription_id)


@shared_task(name="billing.stripe_leave_consolidated", ignore_result=True, autoretry_for=(Exception,), retry_backoff=30)
def stripe_leave_consolidated(stripe_subscription_id: str, item_id: str, key: str) -> None:
    stripe_sync.leave_consolidated(stripe_subscription_id, item_id, key=key)


@shared_task(name="billing.stripe_apply_transfer", ignore_result=True, autoretry_for=(Exception,), retry_backoff=30)
def stripe_apply_transfer(transfer_id: int) -> None:
    stripe_sync.apply_transfer(transfer_id=transfer_id)
