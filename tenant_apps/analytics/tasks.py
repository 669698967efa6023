"""Thin Celery tasks: flush the Redis buffers (every minute, only shops with buffered events) and roll up
each shop's days (daily, every shop), run per shop by tenant-schemas-celery."""

from celery import shared_task

from shared_apps.tenancy.interface import Shop

from . import collect, services


@shared_task(name="analytics.flush_shop")
def flush_shop() -> int:
    return services.flush_events()


@shared_task(name="analytics.flush_all")
def flush_all() -> int:
    """Beat, every minute, public schema: one flush per shop that has buffered events (no scan of schemas)."""
    schemas = collect.buffered_shops()
    for schema_name in schemas:
        flush_shop.apply_async(headers={"_schema_name": schema_name})
    return len(schemas)


@shared_task(name="analytics.rollup_shop")
def rollup_shop() -> int:
    """Daily per shop: flush, roll up, apply the retention, recompute the recommendations."""
    services.flush_events()
    days = services.rollup()
    services.compute_recommendations()
    services.refresh_rule_tags()
    return len(days)


@shared_task(name="analytics.rollup_all_shops")
def rollup_all_shops() -> int:
    """Beat, daily: roll up yesterday (and any day left behind) and apply the retention, in every shop."""
    schemas = list(Shop.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    for schema_name in schemas:
        rollup_shop.apply_async(headers={"_schema_name": schema_name})
    return len(schemas)
