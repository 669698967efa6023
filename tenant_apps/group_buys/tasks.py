"""Group deadlines: thin, idempotent Celery tasks (the shape of orders' timers, see orders/tasks.py)."""

from celery import shared_task
from django.utils import timezone

from shared_apps.tenancy.interface import Shop

from . import services
from .deadlines import pop_due_shops


@shared_task(name="group_buys.run_due_groups")
def run_due_groups() -> dict:
    """In the shop's schema: groups past their deadline form (auto-fill) or fail; failed members are refunded."""
    return services.run_due_groups()


def _fan_out(schema_names: list[str]) -> int:
    for schema_name in schema_names:
        run_due_groups.apply_async(headers={"_schema_name": schema_name})
    return len(schema_names)


@shared_task(name="group_buys.dispatch_due")
def dispatch_due() -> int:
    """Beat, every minute, public schema: the shops with a group deadline due."""
    return _fan_out(pop_due_shops(timezone.now()))


@shared_task(name="group_buys.sweep_all_shops")
def sweep_all_shops() -> int:
    """Beat, daily: every shop once, so a lost index entry delays a deadline by at most a day."""
    return _fan_out(list(Shop.objects.exclude(schema_name="public").values_list("schema_name", flat=True)))
