"""Technical fee: GMV (paid orders minus refunds) x the plan's bps, fed by order events through the events door."""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django_tenants.utils import tenant_context

from billing import services
from billing.models import FeeEntry, Invoice, InvoiceLine, Plan, Subscription
from tenant_apps.events import services as events
from tenant_apps.events.interface import publish
from tenant_apps.events.models import Delivery, EventStatus, OutboxEvent
from tenant_apps.events.registry import PLATFORM_PREFIX

from .conftest import SHANGHAI, T0

LEDGER = f"{PLATFORM_PREFIX}billing.technical_fee_ledger"


def order_event(shop, name: str, **payload) -> None:
    """What the orders app publishes, delivered by the drain as in production (no scan, no shortcut)."""
    with tenant_context(shop):
        with transaction.atomic():
            publish(name, {"currency": "CNY", **payload})
        events.drain_due_events()


def ledger_deliveries(shop) -> int:
    with tenant_context(shop):
        assert not any("technical_fee_ledger" in e for e in OutboxEvent.objects.values_list("last_error", flat=True))
        return Delivery.objects.filter(handler=LEDGER).count()


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


def test_a_fee_is_dated_when_the_order_was_paid_and_a_late_event_counts_in_that_month(trial_a, shop_a):
    """The drain may deliver an order.paid after the month end: the fee belongs to the month of the payment."""
    jan_31 = datetime(2026, 1, 31, 23, 50, tzinfo=SHANGHAI)
    feb_1 = datetime(2026, 2, 1, 0, 10, tzinfo=SHANGHAI)
    services.run_billing(now=T0 + timedelta(days=14, hours=1))  # trial over, first invoice
    order_event(shop_a, "order.paid", order_id=1, total_amount=10_000, gateway="test", paid_at=jan_31.isoformat())
    order_event(shop_a, "order.paid", order_id=2, total_amount=20_000, gateway="test", paid_at=feb_1.isoformat())
    late, february = FeeEntry.objects.order_by("order_id")
    assert (late.occurred_at, february.occurred_at) == (jan_31, feb_1)  # not the delivery time
    # a refund is dated when it happened
    order_event(shop_a, "order.refunded", order_id=1, refund_amount=1_000, occurred_at=feb_1.isoformat())
    assert FeeEntry.objects.get(event_name="order.refunded").occurred_at == feb_1

    services.run_billing(now=datetime(2026, 2, 1, 3, 0, tzinfo=SHANGHAI))  # the monthly run: January's fees only
    [line] = InvoiceLine.objects.filter(kind="technical_fee")
    assert (line.amount, line.period_start, line.period_end) == (60, jan_31, datetime(2026, 2, 1, tzinfo=SHANGHAI))
    assert list(line.fee_entries.values_list("order_id", flat=True)) == [1]
    assert FeeEntry.objects.filter(invoice_line__isnull=True).count() == 2  # February's wait for March


def test_a_fee_is_rated_by_the_plan_in_force_when_the_order_was_paid(trial_a, shop_a):
    paid_at = T0 + timedelta(days=1)
    services.change_plan(shop=shop_a, plan_code="pro-monthly", now=T0 + timedelta(days=2))  # 60 -> 40 bps
    order_event(shop_a, "order.paid", order_id=1, total_amount=10_000, paid_at=paid_at.isoformat())
    order_event(shop_a, "order.paid", order_id=2, total_amount=10_000, paid_at=(T0 + timedelta(days=3)).isoformat())
    assert list(FeeEntry.objects.order_by("order_id").values_list("technical_fee_bps", "fee_amount")) == [
        (60, 60),
        (40, 40),
    ]


def test_the_ledger_handler_survives_an_emptied_plan_table_and_partial_test_events(shop_a):
    """The log noise: after a transactional test flushes the public schema (the seeded plans go with it), the next
    order event of a shop without a subscription failed the handler ('Unknown plan.', an input error raised while
    looking up the default rate); and bare test events without an order id were booked as order 0. Now the rate
    lookup re-seeds the default plans like signup does, and an event without an order id is skipped."""
    Subscription.objects.all().delete()
    Plan.objects.all().delete()  # what TransactionTestCase's flush leaves behind
    order_event(shop_a, "order.paid", lines=[{"product_id": 1, "quantity": 1}])  # a bare test event
    order_event(shop_a, "order.paid", order_id=7, total_amount=10_000)
    assert ledger_deliveries(shop_a) == 2  # the billing handler ran (and succeeded) for each of them
    [entry] = FeeEntry.objects.all()
    assert (entry.order_id, entry.technical_fee_bps, entry.fee_amount) == (7, 60, 60)
    # redelivered (a lost acknowledgement): still one entry, and the handler does not fail
    with tenant_context(shop_a):
        OutboxEvent.objects.update(status=EventStatus.PENDING)
        Delivery.objects.all().delete()
        events.drain_due_events()
    assert ledger_deliveries(shop_a) == 2
    assert FeeEntry.objects.count() == 1
    assert (
        services.record_order_event(shop=shop_a, event_id=uuid.uuid4(), name="order.paid", payload={"order_id": "x"})
        is None
    )


def test_a_month_of_more_refunds_than_sales_is_a_credit_the_next_invoice_nets(trial_a, shop_a):
    """Yearly plan: ¥1,000 sold in January (fee 600), refunded in February (-600), ¥1,000 sold in March (+600). The
    February credit is not an invoice 'paid' at -600 (which lost it): it stays pending and March's invoice is 0."""
    services.change_plan(shop=shop_a, plan_code="basic-yearly", now=T0 + timedelta(days=1))
    services.run_billing(now=T0 + timedelta(days=14, hours=1))  # the trial ends: the yearly subscription's invoice
    for invoice in Invoice.objects.all():
        services.mark_invoice_paid(invoice_id=invoice.pk, now=T0 + timedelta(days=15))
    month = {m: datetime(2026, m, 10, 12, tzinfo=SHANGHAI) for m in (1, 2, 3)}
    order_event(shop_a, "order.paid", order_id=1, total_amount=100_000, gateway="test",
                paid_at=month[1].replace(day=25).isoformat())  # fmt: skip
    january = services.run_billing(now=datetime(2026, 2, 1, 3, tzinfo=SHANGHAI)).invoices
    order_event(shop_a, "order.refunded", order_id=1, refund_amount=100_000, gateway="test",
                occurred_at=month[2].isoformat())  # fmt: skip
    february = services.run_billing(now=datetime(2026, 3, 1, 3, tzinfo=SHANGHAI)).invoices
    order_event(shop_a, "order.paid", order_id=2, total_amount=100_000, gateway="test", paid_at=month[3].isoformat())
    march = services.run_billing(now=datetime(2026, 4, 1, 3, tzinfo=SHANGHAI)).invoices

    totals = [[(i.total_amount, i.status) for i in Invoice.objects.filter(pk__in=run)] for run in (january, february)]
    assert totals == [[(600, "open")], []]
    [netted] = Invoice.objects.filter(pk__in=march)
    assert (netted.total_amount, netted.status, [line.amount for line in netted.lines.all()]) == (
        0,
        "paid",
        [-600, 600],
    )
