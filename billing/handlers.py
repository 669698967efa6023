"""The technical-fee ledger's subscription to shop order events (through the tenancy door, public schema)."""

from shared_apps.tenancy.interface import PlatformEvent, platform_subscriber

from . import services


@platform_subscriber("order.paid", handler="billing.technical_fee_ledger")
@platform_subscriber("order.refunded", handler="billing.technical_fee_ledger")
def technical_fee_ledger(event: PlatformEvent) -> None:
    services.record_order_event(shop=event.shop, event_id=event.id, name=event.name, payload=event.payload)
