"""Activity clocks: a beat task pops the shops with a boundary due (boundaries.py) and catches them up."""

from celery import shared_task
from django.utils import timezone

from shared_apps.tenancy.interface import Shop

from . import services
from .boundaries import pop_due_shops


@shared_task(name="marketing.sync_statuses")
def sync_statuses() -> dict:
    """In the shop's schema: scheduled -> running, running/paused -> ended, by the clock."""
    return services.sync_statuses()


def _fan_out(schema_names: list[str]) -> int:
    for schema_name in schema_names:
        sync_statuses.apply_async(headers={"_schema_name": schema_name})
    return len(schema_names)


@shared_task(name="marketing.dispatch_due")
def dispatch_due() -> int:
    """Beat, every minute, public schema."""
    return _fan_out(pop_due_shops(timezone.now()))


@shared_task(name="marketing.sweep_all_shops")
def sweep_all_shops() -> int:
    """Beat, daily: every shop once, so a lost index entry delays a stored status by at most a day."""
    return _fan_out(list(Shop.objects.exclude(schema_name="public").values_list("schema_name", flat=True)))
