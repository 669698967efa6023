"""Stripe Billing through the official SDK against the loopback fake (tests/stripe_fake), with real signatures:
customers, prices, subscriptions and invoice items keyed by our rows; webhooks drive the same state machine;
replays x10 and out-of-order delivery never regress; forged signatures are refused."""

from datetime import timedelta

import pytest
import stripe

from billing import services
from billing.models import FeeEntry, Invoice, StripeEvent, Subscription, SubscriptionChange
from billing.services import stripe_billing as stripe_sync
from micromall.celery import app as celery_app
from tests.stripe_fake.webhooks import build_event, sign, signed

from .conftest import T0, api

SECRET = "whsec_billing_test"
WEBHOOK = "/api/v1/billing/stripe/webhook"


@pytest.fixture
def stripe_billing(db, stripe_fake, settings, monkeypatch):
    settings.STRIPE_BILLING_WEBHOOK_SECRET = SECRET
    settings.BILLING_GRACE_DAYS = 5
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # on-commit syncs run inline
    stripe_fake.clock = lambda: int(T0.timestamp())
    return stripe_fake


def deliver(event: dict, secret: str = SECRET):
    body, header = signed(event, secret, timestamp=None)
    return api().post(WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def at(fake, moment) -> int:
    fake.clock = lambda: int(moment.timestamp())
    return int(moment.timestamp())


def test_a_billing_life_on_stripe(stripe_billing, shop_a, owner_a, client_a, django_capture_on_commit_callbacks):
    fake = stripe_billing
    with django_capture_on_commit_callbacks(execute=True):
        subscription = services.start_trial(shop=shop_a, now=T0)
    subscription.refresh_from_db()

    # what was sent: customer, product, price, subscription with the trial; keys from our rows; pinned version
    sent = [(r.method, r.path, r.idempotency_key) for r in fake.requests]
    account = subscription.account
    assert sent == [
        ("POST", "/v1/customers", f"billing-account-{account.pk}-customer"),
        ("POST", "/v1/products", "plan-basic-monthly-product"),
        ("POST", "/v1/prices", "plan-basic-monthly-price-9900"),
        ("POST", "/v1/subscriptions", f"subscription-{subscription.pk}-create"),
    ]
    assert {r.stripe_version for r in fake.requests} == {stripe_sync.STRIPE_API_VERSION}
    [create] = fake.requests_to("POST", "/v1/subscriptions")
    assert create.params["trial_end"] == int((T0 + timedelta(days=14)).timestamp())
    assert create.params["metadata"] == {"subscription_id": str(subscription.pk), "shop_id": str(shop_a.pk)}
    assert subscription.stripe_subscription_id == fake.objects_of("subscription")[0]["id"]
    stripe_id = subscription.stripe_subscription_id

    # trial ends on Stripe: the first invoice is charged, events arrive
    trial_end = T0 + timedelta(days=14)
    created = at(fake, trial_end)
    invoice = fake.renew_subscription(stripe_id)
    assert deliver(build_event("invoice.paid", invoice, created=created)).status_code == 200
    active = fake.get(stripe_id)
    assert deliver(build_event("customer.subscription.updated", active, created=created)).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "active"
    local = Invoice.objects.get(stripe_invoice_id=invoice["id"])
    assert (local.status, local.total_amount) == ("paid", 9_900)
    assert [(line.position, line.kind, line.amount) for line in local.lines.all()] == [(1, "subscription", 9_900)]

    # next period: the card is declined -> past_due
    failed_at = trial_end + timedelta(days=30)
    created = at(fake, failed_at)
    fake.decline_payments(account.stripe_customer_id)
    declined = fake.renew_subscription(stripe_id)
    assert declined["status"] == "open"
    deliver(build_event("invoice.payment_failed", declined, created=created))
    past_due_state = fake.get(stripe_id)
    past_due_event = build_event("customer.subscription.updated", past_due_state, created=created)
    deliver(past_due_event)
    subscription.refresh_from_db()
    assert subscription.status == "past_due"

    # our dunning suspends after the grace days
    services.run_billing(now=failed_at + timedelta(days=5, minutes=1))
    subscription.refresh_from_db()
    assert subscription.status == "suspended"
    assert client_a.get("/api/v1/store/products").status_code == 423

    # Stripe's retry succeeds -> paid -> active, shop open
    created = at(fake, failed_at + timedelta(days=6))
    fake.accept_payments(account.stripe_customer_id)
    paid = fake.retry_invoice(declined["id"])
    paid_event = build_event("invoice.paid", paid, created=created)
    deliver(paid_event)
    deliver(build_event("customer.subscription.updated", fake.get(stripe_id), created=created))
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert client_a.get("/api/v1/store/products").status_code == 200

    # replay x10: no-ops
    for _ in range(10):
        response = deliver(paid_event)
        assert (response.status_code, response.json()["duplicate"]) == (200, True)
    assert StripeEvent.objects.filter(event_id=paid_event["id"]).count() == 1

    # out of order: the stale past_due update arrives (as a new delivery of an older state) -> ignored
    stale = build_event("customer.subscription.updated", past_due_state, created=int(failed_at.timestamp()))
    assert deliver(stale).json()["status"] == "ignored"
    late_failure = build_event("invoice.payment_failed", declined, created=int(failed_at.timestamp()))
    assert deliver(late_failure).json()["status"] == "ignored"
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert Invoice.objects.get(stripe_invoice_id=declined["id"]).status == "paid"


def test_plan_change_and_technical_fee_items_are_keyed_by_our_rows(
    stripe_billing, shop_a, owner_a, django_capture_on_commit_callbacks
):
    fake = stripe_billing
    with django_capture_on_commit_callbacks(execute=True):
        subscription = services.start_trial(shop=shop_a, now=T0)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_plan(shop=shop_a, plan_code="pro-monthly", now=T0 + timedelta(days=1))
    change = SubscriptionChange.objects.get()
    [update] = fake.requests_to("POST", "/v1/subscriptions/")
    assert update.idempotency_key == f"subscription-change-{change.pk}"
    assert update.params["proration_behavior"] == "create_prorations"
    assert fake.get(update.params["items"][0]["price"])["unit_amount"] == 29_900

    FeeEntry.objects.create(
        shop=shop_a,
        event_id="00000000-0000-0000-0000-00000000000a",
        event_name="order.paid",
        order_id=1,
        gmv_amount=123_456,
        technical_fee_bps=40,
        fee_amount=494,
        occurred_at=T0 + timedelta(days=2),
    )
    services.run_billing(now=T0 + timedelta(days=28))  # February: January's fees go to Stripe as an invoice item
    services.run_billing(now=T0 + timedelta(days=28, hours=1))  # and only once
    [item] = fake.requests_to("POST", "/v1/invoiceitems")
    line = FeeEntry.objects.get().invoice_line
    assert item.idempotency_key == f"invoice-line-{line.pk}"
    assert item.params["amount"] == 494
    assert item.params["subscription"] == Subscription.objects.get().stripe_subscription_id
    assert item.params["metadata"] == {"kind": "technical_fee", "line_id": str(line.pk), "shop_id": str(shop_a.pk)}
    assert subscription.pk


def test_forged_or_missing_signatures_are_400_and_nothing_is_stored(stripe_billing):
    event = build_event("invoice.paid", {"id": "in_x", "object": "invoice", "customer": "cus_x"})
    body, _ = signed(event, SECRET)
    for header in (sign(body, "whsec_attacker"), "t=1,v1=00", "", sign(body, SECRET, timestamp=1_000_000_000)):
        response = api().post(WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
        assert response.status_code == 400
    tampered = body.replace(b"in_x", b"in_y")
    response = api().post(WEBHOOK, tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, SECRET))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_the_sdk_verifies_what_we_verify():
    event = build_event("invoice.paid", {"id": "in_1", "object": "invoice"})
    body, header = signed(event, SECRET)
    assert stripe.Webhook.construct_event(body, header, SECRET).id == event["id"]
