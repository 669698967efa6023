"""Thin idempotent Celery tasks (run per shop by tenant-schemas-celery)."""

from celery import shared_task

from shared_apps.tenancy.interface import Shop

from . import services


@shared_task(name="distribution.release_due")
def release_due() -> int:
    return services.release_due()


@shared_task(name="distribution.upgrade_tiers")
def upgrade_tiers() -> int:
    return services.upgrade_tiers()


def _fan_out(task) -> int:
    schemas = list(Shop.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    for schema_name in schemas:
        task.apply_async(headers={"_schema_name": schema_name})
    return len(schemas)


@shared_task(name="distribution.release_all_shops")
def release_all_shops() -> int:
    """Beat, hourly: one cheap UPDATE per shop (partial index on pending entries' available_at)."""
    return _fan_out(release_due)


@shared_task(name="distribution.upgrade_all_shops")
def upgrade_all_shops() -> int:
    """Beat, daily: tier upgrades per shop."""
    return _fan_out(upgrade_tiers)
