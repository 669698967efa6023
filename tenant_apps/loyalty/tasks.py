"""Thin idempotent Celery tasks (run per shop by tenant-schemas-celery)."""

from celery import shared_task

from shared_apps.tenancy.interface import Shop

from . import services


@shared_task(name="loyalty.run_due")
def run_due() -> dict:
    """Unfreeze earned points, expire old ones, reward invitations that cleared their return window."""
    return {
        "unfrozen": services.unfreeze_due(),
        "expired": services.expire_due(),
        "invitations": services.reward_due_invitations(),
    }


@shared_task(name="loyalty.run_all_shops")
def run_all_shops() -> int:
    """Beat, hourly: the due work of every shop."""
    schemas = list(Shop.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    for schema_name in schemas:
        run_due.apply_async(headers={"_schema_name": schema_name})
    return len(schemas)
