"""Shops' daily figures arrive through the tenancy platform door (runs in the public schema, once per event)."""

from shared_apps.tenancy.interface import PlatformEvent, platform_subscriber

from . import services


@platform_subscriber("analytics.day_rolled", handler="insights.store_day")
def store_day(event: PlatformEvent) -> None:
    services.store_day(shop=event.shop, payload=event.payload)
