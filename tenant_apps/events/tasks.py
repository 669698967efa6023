"""Event delivery tasks: thin and idempotent. tenant-schemas-celery runs each in the schema it was sent from."""

from celery import shared_task

from shared_apps.tenancy.interface import run_in_shop, shops_with_pending_events

from . import selectors, services
from .models import EventStatus


@shared_task(name="events.deliver", ignore_result=True)
def deliver(event_id: str) -> str | None:
    """Enqueued on commit of the publishing transaction; a failure schedules its own retry after the backoff."""
    status = services.deliver_event(event_id=event_id)
    if status == EventStatus.FAILED:
        delay = selectors.seconds_until_next_attempt(event_id)
        if delay is not None:
            deliver.apply_async((event_id,), countdown=delay)
    return status


@shared_task(name="events.drain_shop", ignore_result=True)
def drain_shop() -> bool:
    return services.drain_shop()


@shared_task(name="events.sweep", ignore_result=True)
def sweep() -> int:
    """Beat, public schema: drain only the shops marked as having open events (never every shop schema)."""
    shops = shops_with_pending_events()
    for shop in shops:
        run_in_shop(shop, drain_shop.delay)
    return len(shops)
