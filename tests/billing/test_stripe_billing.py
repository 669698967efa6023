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
    """Move the fake's clock to `moment` (a datetime or a Unix time)."""
    moment = int(moment if isinstance(moment, int) else moment.timestamp())
    fake.clock = lambda: moment
    return moment


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


def agency_of(boss, *shops):
    from shared_apps.agencies.models import Agency, AgencyMembership
    from shared_apps.tenancy.models import ShopMembership

    agency = Agency.objects.create(name="杭州代运营")
    AgencyMembership.objects.create(agency=agency, user=boss, role="owner")
    for shop in shops:
        ShopMembership.objects.filter(shop=shop, role="owner").update(user=boss)  # the agency opened the shop
        shop.agency, shop.owner = agency, boss
        shop.save(update_fields=["agency", "owner"])
    return agency


def consolidated_life_until_first_renewal(fake, shop_a, shop_b, boss, capture):
    """Two client shops: trials run here, then both join the agency's one Stripe subscription."""
    agency = agency_of(boss, shop_a, shop_b)
    with capture(execute=True):
        first = services.start_trial(shop=shop_a, now=T0)
        second = services.start_trial(shop=shop_b, now=T0 + timedelta(days=2))
    assert fake.requests == []  # client shops' trials never reach Stripe
    trial_end = T0 + timedelta(days=14)
    at(fake, trial_end + timedelta(hours=1))
    with capture(execute=True):
        services.run_billing(now=trial_end + timedelta(hours=1))
    at(fake, trial_end + timedelta(days=2, hours=1))
    with capture(execute=True):
        services.run_billing(now=trial_end + timedelta(days=2, hours=1))
    first.refresh_from_db()
    second.refresh_from_db()
    return agency, first, second


def test_an_agency_is_one_stripe_customer_with_one_consolidated_invoice(
    stripe_billing, shop_a, shop_b, django_capture_on_commit_callbacks
):
    from billing.models import ConsolidatedSubscription
    from tests.factories import UserFactory

    fake = stripe_billing
    agency, first, second = consolidated_life_until_first_renewal(
        fake, shop_a, shop_b, UserFactory(), django_capture_on_commit_callbacks
    )
    account = first.account
    assert account.agency_id == agency.pk and second.account_id == account.pk
    group = ConsolidatedSubscription.objects.get()
    sent = [(r.method, r.path, r.idempotency_key) for r in fake.requests]
    assert sent[:4] == [
        ("POST", "/v1/products", "plan-basic-monthly-product"),
        ("POST", "/v1/prices", "plan-basic-monthly-price-9900"),
        ("POST", "/v1/customers", f"billing-account-{account.pk}-customer"),
        (
            "POST",
            "/v1/subscriptions",
            f"consolidated-{group.pk}-create-{first.pk}-{int((T0 + timedelta(days=14)).timestamp())}",
        ),
    ]
    [(method, path, key)] = sent[4:]  # the second shop joins with prorations, keyed by its subscription row
    assert (method, path) == ("POST", f"/v1/subscriptions/{group.stripe_subscription_id}")
    assert key.startswith(f"subscription-{second.pk}-join-{group.pk}-")
    assert len(fake.objects_of("customer")) == 1 and len(fake.objects_of("subscription")) == 1
    stripe_id = group.stripe_subscription_id
    assert (first.stripe_subscription_id, second.stripe_subscription_id) == (stripe_id, stripe_id)
    assert first.stripe_item_id != second.stripe_item_id
    assert (first.status, second.status) == ("active", "active")

    # January's technical fees of both shops go on the agency's subscription as invoice items
    for n, shop in enumerate((shop_a, shop_b), start=1):
        FeeEntry.objects.create(
            shop=shop,
            event_id=f"00000000-0000-0000-0000-00000000000{n}",
            event_name="order.paid",
            order_id=n,
            gmv_amount=100_000 * n,
            technical_fee_bps=60,
            fee_amount=600 * n,
            occurred_at=T0 + timedelta(days=3),
        )
    services.run_billing(now=T0 + timedelta(days=27))  # February 1st
    items = fake.requests_to("POST", "/v1/invoiceitems")
    assert {(i.params["customer"], i.params["subscription"]) for i in items} == {
        (account.stripe_customer_id, stripe_id)
    }

    # the cycle renews: ONE Stripe invoice for the agency, a line per client shop
    created = at(fake, first.current_period_end)
    invoice = fake.renew_subscription(stripe_id)
    assert deliver(build_event("invoice.paid", invoice, created=created)).status_code == 200
    assert (
        deliver(build_event("customer.subscription.updated", fake.get(stripe_id), created=created)).json()["status"]
        == "processed"
    )
    local = Invoice.objects.get(stripe_invoice_id=invoice["id"])
    assert local.account_id == account.pk and local.status == "paid"
    lines = [(line.shop_id, line.kind, line.amount) for line in local.lines.order_by("position")]
    assert lines[:2] == [(shop_a.pk, "subscription", 9_900), (shop_b.pk, "subscription", 9_900)]
    assert sorted((shop, kind) for shop, kind, _amount in lines[2:]) == sorted(
        [(shop_b.pk, "proration"), (shop_a.pk, "technical_fee"), (shop_b.pk, "technical_fee")]
    )
    assert {(shop, amount) for shop, kind, amount in lines if kind == "technical_fee"} == {
        (shop_a.pk, 600),
        (shop_b.pk, 1_200),
    }
    assert local.total_amount == sum(amount for _shop, _kind, amount in lines)
    # each client shop's staff see the consolidated invoice
    for subscription in (first, second):
        subscription.refresh_from_db()
        assert subscription.status == "active"
        assert subscription.current_period_end.timestamp() == fake.get(stripe_id)["current_period_end"]
    assert len([i for i in fake.objects_of("invoice") if i["billing_reason"] == "subscription_cycle"]) == 1

    # a declined charge: every client shop on the invoice goes past_due, and recovers when it is paid
    failed_at = at(fake, fake.get(stripe_id)["current_period_end"])
    fake.decline_payments(account.stripe_customer_id)
    declined = fake.renew_subscription(stripe_id)
    deliver(build_event("invoice.payment_failed", declined, created=failed_at))
    deliver(build_event("customer.subscription.updated", fake.get(stripe_id), created=failed_at))
    assert set(Subscription.objects.values_list("status", flat=True)) == {"past_due"}
    fake.accept_payments(account.stripe_customer_id)
    paid_at = at(fake, fake.clock() + 3600)
    deliver(build_event("invoice.paid", fake.retry_invoice(declined["id"]), created=paid_at))
    deliver(build_event("customer.subscription.updated", fake.get(stripe_id), created=paid_at))
    assert set(Subscription.objects.values_list("status", flat=True)) == {"active"}


def test_a_handed_over_shop_leaves_the_agency_subscription_and_starts_its_own(
    stripe_billing, shop_a, shop_b, django_capture_on_commit_callbacks
):
    from billing.models import BillingTransfer, ConsolidatedSubscription
    from shared_apps.agencies.services import transfer_shop
    from shared_apps.tenancy.models import ShopMembership
    from tests.factories import UserFactory

    fake = stripe_billing
    boss, client = UserFactory(), UserFactory(email="client@example.com")
    _agency, first, second = consolidated_life_until_first_renewal(
        fake, shop_a, shop_b, boss, django_capture_on_commit_callbacks
    )
    group = ConsolidatedSubscription.objects.get()
    agency_sub = group.stripe_subscription_id
    paid_until = second.current_period_end
    fake.requests.clear()

    now = T0 + timedelta(days=20)
    at(fake, now)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_shop(shop_id=shop_b.pk, email="client@example.com", keep_agency_access=False, by=boss, now=now)
    transfer = BillingTransfer.objects.get()
    second.refresh_from_db()
    sent = [(r.method, r.path, r.idempotency_key) for r in fake.requests]
    assert sent == [
        ("POST", f"/v1/subscriptions/{agency_sub}", f"transfer-{transfer.pk}-leave"),
        ("POST", "/v1/customers", f"billing-account-{second.account_id}-customer"),
        ("POST", "/v1/subscriptions", f"transfer-{transfer.pk}-subscription"),
    ]
    leave, _customer, create = fake.requests
    assert leave.params == {
        "items": [{"id": transfer.from_stripe_item_id, "deleted": True}],
        "proration_behavior": "none",
    }
    assert create.params["trial_end"] == int(paid_until.timestamp())  # the agency paid this period
    assert create.params["metadata"]["paid_through"] == "1"
    assert [i["id"] for i in fake.get(agency_sub)["items"]["data"]] == [first.stripe_item_id]
    own = fake.get(second.stripe_subscription_id)
    assert own["customer"] == second.account.stripe_customer_id != first.account.stripe_customer_id
    assert second.account.shop_id == shop_b.pk and second.account.email == "client@example.com"
    assert list(ShopMembership.objects.filter(shop=shop_b).values_list("user_id", "role")) == [(client.pk, "owner")]

    # the client's subscription events: active (paid through), and the agency's events no longer touch the shop
    created = at(fake, now + timedelta(minutes=1))
    deliver(build_event("customer.subscription.created", own, created=created))
    deliver(build_event("customer.subscription.updated", fake.get(agency_sub), created=created))
    second.refresh_from_db()
    assert (second.status, second.stripe_subscription_id) == ("active", own["id"])
    assert Subscription.objects.filter(stripe_subscription_id=agency_sub).get() == first

    # the last client shop leaves: the agency's subscription is cancelled (Stripe keeps at least one item)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_shop(shop_id=shop_a.pk, email="client@example.com", keep_agency_access=True, by=boss, now=now)
    assert fake.get(agency_sub)["status"] == "canceled"
    assert ConsolidatedSubscription.objects.get().stripe_subscription_id == ""
    assert set(ShopMembership.objects.filter(shop=shop_a).values_list("user_id", "role")) == {
        (client.pk, "owner"),
        (boss.pk, "staff"),
    }


def test_a_client_shop_changing_interval_or_cancelling_moves_only_its_item(
    stripe_billing, shop_a, shop_b, django_capture_on_commit_callbacks
):
    from billing.models import ConsolidatedSubscription
    from tests.factories import UserFactory

    fake = stripe_billing
    _agency, first, second = consolidated_life_until_first_renewal(
        fake, shop_a, shop_b, UserFactory(), django_capture_on_commit_callbacks
    )
    monthly = ConsolidatedSubscription.objects.get(interval="month").stripe_subscription_id
    now = T0 + timedelta(days=20)
    at(fake, now)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_plan(shop=shop_b, plan_code="pro-yearly", now=now)
    change = SubscriptionChange.objects.get()
    [leave] = [r for r in fake.requests if r.idempotency_key == f"subscription-change-{change.pk}-leave"]
    assert leave.params["proration_behavior"] == "create_prorations"  # credit for the unused month
    second.refresh_from_db()
    yearly = ConsolidatedSubscription.objects.get(interval="year").stripe_subscription_id
    assert second.stripe_subscription_id == yearly != monthly
    assert fake.get(yearly)["items"]["data"][0]["price"]["unit_amount"] == 299_000
    assert [i["id"] for i in fake.get(monthly)["items"]["data"]] == [first.stripe_item_id]

    # the first shop cancels at the period end: ours alone (the agency's subscription is not cancelled for it)
    requests_before = len(fake.requests)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_cancel_at_period_end(shop=shop_a, cancel=True, now=now)
    assert len(fake.requests) == requests_before
    first.refresh_from_db()
    end = first.current_period_end
    at(fake, end)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_billing(now=end + timedelta(minutes=1))
    first.refresh_from_db()
    assert (first.status, first.stripe_item_id) == ("canceled", "")
    assert fake.get(monthly)["status"] == "canceled"  # it was the last item on the monthly subscription
    assert fake.get(yearly)["status"] == "active"

    # back to monthly: the yearly subscription loses its last item; the monthly group gets a NEW subscription
    later = end + timedelta(hours=1)
    at(fake, later)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_plan(shop=shop_b, plan_code="basic-monthly", now=later)
    second.refresh_from_db()
    renewed = ConsolidatedSubscription.objects.get(interval="month").stripe_subscription_id
    assert second.stripe_subscription_id == renewed not in ("", monthly)
    assert fake.get(renewed)["status"] == "active"
    assert fake.get(yearly)["status"] == "canceled"
