"""Concurrency against the real database (threads, committed transactions): the same Stripe event delivered by
several workers at once is applied once; two billing runs at once issue one invoice."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from billing import services
from billing.models import BillingAccount, Invoice, Plan, StripeEvent, Subscription
from tests.conftest import ensure_shop
from tests.stripe_fake.webhooks import build_event, signed

from .conftest import T0, api

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "whsec_concurrency"


@pytest.fixture
def plans(shop_schemas):
    """A transactional test's flush empties the seeded plans: seed them again (same code as the migration)."""
    services.seed_default_plans(Plan)


def together(n: int, fn) -> list:
    barrier, results = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            results.append(fn())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_one_event_delivered_by_six_workers_at_once_is_applied_once(plans, settings):
    settings.STRIPE_BILLING_WEBHOOK_SECRET = SECRET
    shop = ensure_shop("alpha")
    subscription = services.start_trial(shop=shop, now=T0)
    services.run_billing(now=T0 + timedelta(days=14, hours=1))
    invoice = Invoice.objects.get()
    BillingAccount.objects.filter(pk=subscription.account_id).update(stripe_customer_id="cus_concurrent")
    Invoice.objects.filter(pk=invoice.pk).update(stripe_invoice_id="in_concurrent")
    event = build_event(
        "invoice.paid",
        {"id": "in_concurrent", "object": "invoice", "customer": "cus_concurrent", "status": "paid"},
        created=int((T0 + timedelta(days=15)).timestamp()),
    )
    body, header = signed(event, SECRET)

    codes = together(
        6,
        lambda: (
            api()
            .post("/api/v1/billing/stripe/webhook", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
            .json()
        ),
    )

    assert sorted(bool(c.get("duplicate")) for c in codes) == [False] + [True] * 5
    assert StripeEvent.objects.get().status == "processed"
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_two_billing_runs_at_once_issue_one_invoice(plans):
    shop = ensure_shop("alpha")
    services.start_trial(shop=shop, now=T0)
    moment = T0 + timedelta(days=14, hours=1)

    together(2, lambda: services.run_billing(now=moment))

    invoice = Invoice.objects.get()
    assert [(line.position, line.kind, line.amount) for line in invoice.lines.all()] == [(1, "subscription", 9_900)]
    assert Subscription.objects.get().status == "active"


def test_two_client_shops_joining_at_once_make_one_consolidated_stripe_subscription(plans, stripe_fake):
    from billing.models import ConsolidatedSubscription
    from billing.services import stripe_billing as stripe_sync
    from shared_apps.agencies.models import Agency

    stripe_fake.clock = lambda: int((T0 + timedelta(days=14, hours=1)).timestamp())
    agency = Agency.objects.create(name="杭州代运营")
    ids = []
    for subdomain in ("alpha", "beta"):
        shop = ensure_shop(subdomain, agency=agency)
        subscription = services.start_trial(shop=shop, now=T0)
        Subscription.objects.filter(pk=subscription.pk).update(status="active")  # the trial is over
        ids.append(subscription.pk)
    lock = threading.Lock()

    def join():
        with lock:
            subscription_id = ids.pop()
        stripe_sync.join_consolidated(subscription_id=subscription_id)

    together(2, join)

    group = ConsolidatedSubscription.objects.get()
    assert len(stripe_fake.objects_of("subscription")) == 1 and len(stripe_fake.objects_of("customer")) == 1
    items = {item["id"] for item in stripe_fake.get(group.stripe_subscription_id)["items"]["data"]}
    assert set(Subscription.objects.values_list("stripe_item_id", flat=True)) == items
    assert len(items) == 2
