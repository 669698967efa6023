"""Stripe payments on the merchant's connected account, and the platform's Connect webhook intake.

The official SDK talks to the loopback fake Stripe (tests/stripe_fake); webhooks carry real signatures.
"""

import pytest
from django.test import Client

from shared_apps.payments_inbox.models import StripeConnectEvent
from shared_apps.tenancy.models import Shop
from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders.models import Order, Payment
from tenant_apps.orders.payments.gateways import technical_fee_amount
from tests.stripe_fake import webhooks

from .conftest import in_shop, place

SECRET = "whsec_test_orders"
ACCOUNT = "acct_1AlphaShop"
WEBHOOK = "/api/v1/payments/stripe/webhook"


@pytest.fixture
def stripe_shop(shop_a, stripe_fake, settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = SECRET
    Shop.objects.filter(pk=shop_a.pk).update(stripe_account_id=ACCOUNT)
    shop_a.stripe_account_id = ACCOUNT
    return shop_a


def pay_stripe(buyer, order_id):
    return buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "stripe"}, content_type="application/json"
    )


def deliver(event: dict, secret: str = SECRET):
    body, signature = webhooks.signed(event, secret)
    return Client(HTTP_HOST="localhost").post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def succeeded_event(stripe_fake, intent_id: str, **event) -> dict:
    intent = stripe_fake.succeed_payment_intent(intent_id, account=ACCOUNT)
    return webhooks.build_event("payment_intent.succeeded", intent, account=ACCOUNT, **event)


def order_state(shop):
    return in_shop(shop, lambda: (Order.objects.get().status, list(Payment.objects.values_list("method", "status"))))


def paid_events(shop):
    return in_shop(shop, lambda: list(OutboxEvent.objects.filter(name="order.paid").values_list("payload", flat=True)))


def test_technical_fee_is_rounded_half_up_to_the_fen():
    assert [technical_fee_amount(total, 60) for total in (12900, 250, 249, 0, 1)] == [77, 2, 1, 0, 0]
    assert technical_fee_amount(10000, 250) == 250


def test_stripe_payment_creates_one_intent_on_the_connected_account(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order = place(buyer_a, (catalog_a.tea.pk, 2)).json()

    response = pay_stripe(buyer_a, order["id"])

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "pending_payment"
    [sent] = stripe_fake.requests_to("POST", "/v1/payment_intents")
    assert body["client_secret"] == sent.response["client_secret"]
    assert sent.stripe_account == ACCOUNT
    assert sent.params["amount"] == 25800
    assert sent.params["currency"] == "cny"
    assert sent.params["application_fee_amount"] == 155  # 25800 x 0.6% = 154.8
    assert sent.params["payment_method_types"] == ["card", "wechat_pay", "alipay"]
    assert sent.params["metadata"]["shop"] == stripe_shop.schema_name
    assert sent.params["metadata"]["order_number"] == order["number"]
    assert sent.stripe_version
    payment = in_shop(stripe_shop, Payment.objects.get)
    assert sent.idempotency_key == f"mm-{stripe_shop.schema_name}-payment-{payment.pk}-25800"
    assert (payment.stripe_payment_intent_id, payment.application_fee_amount) == (sent.response["id"], 155)


def test_paying_twice_returns_the_same_intent(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    first = pay_stripe(buyer_a, order_id).json()["client_secret"]
    second = pay_stripe(buyer_a, order_id).json()["client_secret"]

    assert first == second
    assert len(stripe_fake.requests_to("POST", "/v1/payment_intents")) == 1
    assert in_shop(stripe_shop, Payment.objects.count) == 1


def test_stripe_needs_a_connected_account(shop_a, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]

    response = pay_stripe(buyer_a, order_id)

    assert response.status_code == 400
    assert "method" in response.json()["errors"]
    assert stripe_fake.requests_to("POST", "/v1/payment_intents") == []


def test_webhook_marks_the_order_paid_once_even_when_replayed(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    event = succeeded_event(stripe_fake, intent_id)

    responses = [deliver(event).status_code for _ in range(3)]

    assert responses == [200, 200, 200]
    assert order_state(stripe_shop) == ("paid", [("stripe", "succeeded")])
    [payload] = paid_events(stripe_shop)
    assert (payload["gateway"], payload["total_amount"], payload["application_fee_amount"]) == ("stripe", 12900, 77)
    row = StripeConnectEvent.objects.get()
    assert (row.event_id, row.status, row.outcome, row.shop_schema) == (
        event["id"], "processed", "paid", stripe_shop.schema_name,
    )  # fmt: skip
    assert pay_stripe(buyer_a, order_id).status_code == 409


def test_a_forged_or_tampered_webhook_is_400_and_changes_nothing(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    event = succeeded_event(stripe_fake, intent_id)
    body, signature = webhooks.signed(event, SECRET)
    platform = Client(HTTP_HOST="localhost")

    forged = deliver(event, secret="whsec_attacker")
    tampered = platform.post(
        WEBHOOK, body.replace(b"12900", b"12901"), content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    unsigned = platform.post(WEBHOOK, body, content_type="application/json")

    assert (forged.status_code, tampered.status_code, unsigned.status_code) == (400, 400, 400)
    assert StripeConnectEvent.objects.count() == 0
    assert order_state(stripe_shop) == ("pending_payment", [("stripe", "pending")])


def test_webhooks_are_not_served_on_shop_hosts(stripe_shop, stripe_fake, catalog_a, buyer_a):
    body, signature = webhooks.signed(webhooks.build_event("payment_intent.succeeded", {}), SECRET)

    response = buyer_a.client.post(WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)

    assert response.status_code == 404


def test_a_wrong_amount_never_pays_the_order(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    intent = stripe_fake.succeed_payment_intent(intent_id, account=ACCOUNT)
    intent["amount_received"] = 100

    deliver(webhooks.build_event("payment_intent.succeeded", intent, account=ACCOUNT))

    assert order_state(stripe_shop) == ("pending_payment", [("stripe", "pending")])
    assert in_shop(stripe_shop, lambda: Payment.objects.get().failure_code) == "amount_mismatch"


def test_failure_then_success_pays_and_a_late_failure_never_undoes_it(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    intent = dict(stripe_fake.get(intent_id, ACCOUNT))
    declined = {**intent, "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}}
    failed = webhooks.build_event("payment_intent.payment_failed", declined, account=ACCOUNT)
    succeeded = succeeded_event(stripe_fake, intent_id)
    late_failure = webhooks.build_event("payment_intent.payment_failed", declined, account=ACCOUNT)

    deliver(failed)
    assert in_shop(stripe_shop, lambda: Payment.objects.values_list("status", "failure_code").get()) == (
        "failed", "card_declined",
    )  # fmt: skip
    deliver(succeeded)
    deliver(late_failure)

    assert order_state(stripe_shop) == ("paid", [("stripe", "succeeded")])
    assert StripeConnectEvent.objects.filter(outcome="ignored").count() == 1


def test_a_suspended_shop_still_gets_its_payment_events(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    Shop.objects.filter(pk=stripe_shop.pk).update(status="suspended")

    assert deliver(succeeded_event(stripe_fake, intent_id)).status_code == 200

    assert order_state(stripe_shop)[0] == "paid"


def test_money_for_a_cancelled_order_is_recorded_for_refund(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    buyer_a.client.post(f"/api/v1/store/orders/{order_id}/cancel")

    deliver(succeeded_event(stripe_fake, intent_id))

    assert order_state(stripe_shop) == ("cancelled", [("stripe", "succeeded")])
    assert in_shop(stripe_shop, lambda: Payment.objects.get().needs_refund) is True
    assert paid_events(stripe_shop) == []
    assert pay_stripe(buyer_a, order_id).status_code == 409


def test_events_of_unknown_accounts_or_mismatched_shops_are_kept_unrouted(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    intent = stripe_fake.succeed_payment_intent(intent_id, account=ACCOUNT)
    stranger = webhooks.build_event("payment_intent.succeeded", intent, account="acct_someone_else")
    wrong_shop = webhooks.build_event(
        "payment_intent.succeeded", {**intent, "metadata": {**intent["metadata"], "shop": "test_beta"}}, account=ACCOUNT
    )

    assert (deliver(stranger).status_code, deliver(wrong_shop).status_code) == (200, 200)

    assert set(StripeConnectEvent.objects.values_list("status", flat=True)) == {"unrouted"}
    assert order_state(stripe_shop)[0] == "pending_payment"


def charge_refunded(intent: dict, amount_refunded: int) -> dict:
    charge = {
        "id": intent["latest_charge"], "object": "charge", "amount": intent["amount"],
        "amount_captured": intent["amount"], "amount_refunded": amount_refunded, "currency": intent["currency"],
        "payment_intent": intent["id"], "refunded": amount_refunded == intent["amount"], "metadata": {},
        "status": "succeeded", "paid": True, "captured": True, "livemode": False,
    }  # fmt: skip
    return webhooks.build_event("charge.refunded", charge, account=ACCOUNT)


def test_refunds_are_recorded_in_any_order_and_a_full_refund_closes(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    paid = succeeded_event(stripe_fake, intent_id)
    intent = paid["data"]["object"]
    deliver(paid)
    partial, full, stale = (charge_refunded(intent, amount) for amount in (2900, 12900, 2900))

    deliver(partial)
    deliver(full)
    deliver(stale)  # older news arriving late: Stripe's running total only grows
    deliver(full)

    order = in_shop(stripe_shop, Order.objects.get)
    assert (order.status, order.refunded_amount) == ("closed", 12900)
    refunds = in_shop(
        stripe_shop, lambda: list(OutboxEvent.objects.filter(name="order.refunded").values_list("payload", flat=True))
    )
    assert [(p["refund_amount"], p["refunded_amount"]) for p in refunds] == [(2900, 2900), (10000, 12900)]


def test_stripe_refusing_the_intent_is_503_and_the_next_try_works(
    stripe_shop, stripe_fake, catalog_a, buyer_a, settings
):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    settings.STRIPE_SECRET_KEY = "sk_live_not_accepted_here"

    refused = pay_stripe(buyer_a, order_id)
    settings.STRIPE_SECRET_KEY = "sk_test_fake_micromall"
    retried = pay_stripe(buyer_a, order_id)

    assert refused.status_code == 503
    assert refused.json()["detail"]
    assert retried.status_code == 200
    assert retried.json()["client_secret"]
    assert order_state(stripe_shop) == ("pending_payment", [("stripe", "pending")])


def test_a_webhook_that_beats_our_own_write_of_the_intent_id_still_pays(stripe_shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_stripe(buyer_a, order_id)
    intent_id = in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id)
    # As if Stripe's event arrived between the intent's creation and our row update: only metadata names the row.
    in_shop(stripe_shop, lambda: Payment.objects.update(stripe_payment_intent_id=None))

    deliver(succeeded_event(stripe_fake, intent_id))

    assert order_state(stripe_shop) == ("paid", [("stripe", "succeeded")])
    assert in_shop(stripe_shop, lambda: Payment.objects.get().stripe_payment_intent_id) == intent_id
