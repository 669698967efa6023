"""Races on the real database (threads, committed transactions): no oversell, one payment, one outcome."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.payments_inbox.models import StripeConnectEvent
from shared_apps.tenancy.models import Shop
from tenant_apps.catalog.models import StockAdjustment
from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders.models import Order, Payment
from tests.committed import race
from tests.stripe_fake import webhooks

from .conftest import in_shop, make_buyer, make_catalog, place, stock_of

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "whsec_race"
ACCOUNT = "acct_1RaceShop"


def test_fifty_buyers_ten_units_exactly_ten_orders(shop):
    catalog = make_catalog(shop, tea_stock=10)
    buyers = [make_buyer(shop, f"1390000{n:04d}") for n in range(50)]

    codes = race(lambda buyer: place(buyer, (catalog.tea.pk, 1)).status_code, buyers)

    assert (codes.count(201), codes.count(409), len(codes)) == (10, 40, 50)
    assert stock_of(shop, catalog.tea) == 0
    with tenant_context(shop):
        assert Order.objects.count() == 10
        ledger = list(StockAdjustment.objects.filter(reason="order").values_list("delta", "stock_after"))
        assert sorted(ledger) == [(-1, n) for n in range(10)]


def test_parallel_pay_and_webhooks_one_intent_one_transition_one_payment(shop, stripe_fake, settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = SECRET
    Shop.objects.filter(pk=shop.pk).update(stripe_account_id=ACCOUNT)
    catalog = make_catalog(shop)
    buyer = make_buyer(shop, "13900000001")
    order_id = place(buyer, (catalog.tea.pk, 1)).json()["id"]

    def pay(_):
        response = buyer.client.post(
            f"/api/v1/store/orders/{order_id}/pay", {"method": "stripe"}, content_type="application/json"
        )
        return response.status_code, response.json().get("client_secret")

    first = race(pay, range(6))
    assert {code for code, _ in first} == {200}
    assert len({secret for _, secret in first}) == 1
    intent_id = in_shop(shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    intent = stripe_fake.succeed_payment_intent(intent_id, account=ACCOUNT)
    # Stripe may send the same event twice, and the shopper's page keeps asking to pay meanwhile.
    events = [webhooks.build_event("payment_intent.succeeded", intent, account=ACCOUNT) for _ in range(3)]
    events += events

    def act(n):
        if n < len(events):
            body, signature = webhooks.signed(events[n], SECRET)
            response = Client(HTTP_HOST="localhost").post(
                "/api/v1/payments/stripe/webhook", body, content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )  # fmt: skip
            return "webhook", response.status_code
        return "pay", pay(n)[0]

    results = race(act, range(len(events) + 4))

    assert {code for kind, code in results if kind == "webhook"} == {200}
    assert {code for kind, code in results if kind == "pay"} <= {200, 409}
    assert len(stripe_fake.objects_of("payment_intent")) == 1
    with tenant_context(shop):
        assert Order.objects.get().status == "paid"
        assert list(Payment.objects.values_list("method", "status")) == [("stripe", "succeeded")]
        assert OutboxEvent.objects.filter(name="order.paid").count() == 1
    assert StripeConnectEvent.objects.count() == 3


def test_cancel_racing_payment_has_one_outcome(shop, settings):
    settings.DEBUG = True
    catalog = make_catalog(shop, tea_stock=10)
    buyer = make_buyer(shop, "13900000002")
    orders = [place(buyer, (catalog.tea.pk, 1)).json()["id"] for _ in range(5)]

    def act(job):
        order_id, action = job
        body = {"method": "test"} if action == "pay" else {}
        return buyer.client.post(
            f"/api/v1/store/orders/{order_id}/{action}", body, content_type="application/json"
        ).status_code

    jobs = [(order_id, action) for order_id in orders for action in ("pay", "cancel", "pay", "cancel")]
    codes = race(act, jobs)

    with tenant_context(shop):
        outcomes = dict(Order.objects.values_list("pk", "status"))
        events = list(OutboxEvent.objects.values_list("name", "payload"))
    for index, order_id in enumerate(orders):
        mine = codes[index * 4 : index * 4 + 4]
        assert mine.count(200) == 1 and mine.count(409) == 3, mine
        names = [name for name, payload in events if payload["order_id"] == order_id]
        assert names == (["order.paid"] if outcomes[order_id] == "paid" else ["order.cancelled"])
    paid = sum(1 for status in outcomes.values() if status == "paid")
    assert set(outcomes.values()) <= {"paid", "cancelled"}
    assert stock_of(shop, catalog.tea) == 10 - paid
    assert in_shop(shop, lambda: Payment.objects.filter(status="succeeded").count()) == paid
