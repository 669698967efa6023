"""Self-test of the fake Stripe: the official SDK over real HTTP, schema checks, idempotency, signatures."""

import json

import pytest
import stripe

from .server import FakeStripe
from .spec import decode_form, object_errors, request_errors
from .webhooks import build_event, sign, signed

KEY = "sk_test_fake_micromall"
WEBHOOK_SECRET = "whsec_test_fake"


@pytest.fixture
def client(stripe_fake) -> stripe.StripeClient:
    return stripe.StripeClient(KEY, base_addresses={"api": stripe_fake.url}, max_network_retries=0)


def test_payment_intent_on_a_connected_account_records_what_was_sent(client, stripe_fake):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 12_345,
            "currency": "cny",
            "application_fee_amount": 74,
            "payment_method_types": ["card", "wechat_pay", "alipay"],
            "metadata": {"order_number": "A0001"},
        },
        options={"stripe_account": "acct_shop_a", "idempotency_key": "order-7-pay-1"},
    )

    assert (intent.amount, intent.currency, intent.application_fee_amount) == (12_345, "cny", 74)
    assert intent.payment_method_types == ["card", "wechat_pay", "alipay"]
    assert intent.status == "requires_payment_method"
    assert intent.client_secret.startswith(intent.id + "_secret_")
    [sent] = stripe_fake.requests_to("POST", "/v1/payment_intents")
    assert sent.params == {
        "amount": 12_345,
        "currency": "cny",
        "application_fee_amount": 74,
        "payment_method_types": ["card", "wechat_pay", "alipay"],
        "metadata": {"order_number": "A0001"},
    }
    assert (sent.stripe_account, sent.idempotency_key) == ("acct_shop_a", "order-7-pay-1")
    assert sent.stripe_version == stripe.api_version
    # it lives on the connected account: the platform cannot see it
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_intents.retrieve(intent.id)
    again = client.v1.payment_intents.retrieve(intent.id, options={"stripe_account": "acct_shop_a"})
    assert again.id == intent.id


def test_same_idempotency_key_replays_the_first_response_and_other_params_are_refused(client, stripe_fake):
    params = {"amount": 500, "currency": "cny"}
    first = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})
    second = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})

    assert second.id == first.id
    assert len(stripe_fake.objects_of("payment_intent")) == 1
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create(params={"amount": 501, "currency": "cny"}, options={"idempotency_key": "k1"})


def test_partial_refunds_up_to_the_amount_received(client, stripe_fake):
    intent = client.v1.payment_intents.create(params={"amount": 1000, "currency": "cny"})
    stripe_fake.succeed_payment_intent(intent.id)

    first = client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 300})
    second = client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 700})

    assert (first.amount, second.amount, first.status) == (300, 700, "succeeded")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 1})
    assert refused.value.code == "amount_too_large"


def test_a_parameter_stripe_does_not_know_is_refused_and_reported(client, stripe_fake):
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.create(params={"email": "a@example.com", "nickname": "x"})  # type: ignore[typeddict-unknown-key]

    assert stripe_fake.spec_violations == [
        "POST /v1/customers: (root): Additional properties are not allowed ('nickname' was unexpected)"
    ]
    stripe_fake.spec_violations.clear()


def test_billing_objects_subscription_proration_invoice_items_and_pay(client, stripe_fake):
    stripe_fake.clock = lambda: 1_700_000_000
    customer = client.v1.customers.create(params={"email": "owner@example.com", "metadata": {"shop_id": "3"}})
    product = client.v1.products.create(params={"name": "Pro"})
    basic = client.v1.prices.create(
        params={"product": product.id, "currency": "cny", "unit_amount": 9_900, "recurring": {"interval": "month"}}
    )
    pro = client.v1.prices.create(
        params={"product": product.id, "currency": "cny", "unit_amount": 29_900, "recurring": {"interval": "month"}}
    )
    subscription = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": basic.id}], "trial_period_days": 14}
    )
    assert subscription.status == "trialing"
    assert subscription.trial_end == 1_700_000_000 + 14 * 86400

    stripe_fake.clock = lambda: 1_700_000_000 + 14 * 86400
    subscription = client.v1.subscriptions.update(subscription.id, params={"trial_end": "now"})
    assert subscription.status == "active"
    first_invoice = client.v1.invoices.retrieve(subscription.latest_invoice)
    assert (first_invoice.status, first_invoice.amount_paid) == ("paid", 9_900)

    # half-way through the 30-day period: -4950 for the unused basic, +14950 for the rest of pro
    stripe_fake.clock = lambda: 1_700_000_000 + 14 * 86400 + 15 * 86400
    item_id = subscription["items"].data[0].id
    client.v1.subscriptions.update(
        subscription.id, params={"items": [{"id": item_id, "price": pro.id}], "proration_behavior": "create_prorations"}
    )
    client.v1.invoice_items.create(
        params={"customer": customer.id, "amount": 1_234, "currency": "cny", "description": "technical fee"}
    )
    invoice = client.v1.invoices.create(
        params={"customer": customer.id, "pending_invoice_items_behavior": "include", "auto_advance": False}
    )
    assert sorted(line.amount for line in invoice.lines.data) == [-4_950, 1_234, 14_950]
    assert invoice.total == 11_234

    stripe_fake.decline_payments(customer.id)
    with pytest.raises(stripe.CardError):
        client.v1.invoices.pay(invoice.id)
    assert client.v1.invoices.retrieve(invoice.id).status == "open"
    stripe_fake.accept_payments(customer.id)
    paid = client.v1.invoices.pay(invoice.id)
    assert (paid.status, paid.amount_paid, paid.attempt_count) == ("paid", 11_234, 2)
    listed = client.v1.invoices.list(params={"customer": customer.id, "status": "paid"})
    assert {i.id for i in listed.data} == {first_invoice.id, invoice.id}

    updated = client.v1.subscriptions.update(subscription.id, params={"cancel_at_period_end": True})
    assert updated.cancel_at == updated.current_period_end
    canceled = client.v1.subscriptions.cancel(subscription.id)
    assert canceled.status == "canceled"


def test_renewal_declined_makes_the_subscription_past_due_until_retried(client, stripe_fake):
    customer = client.v1.customers.create(params={"email": "owner@example.com"})
    product = client.v1.products.create(params={"name": "Basic"})
    price = client.v1.prices.create(
        params={"product": product.id, "currency": "cny", "unit_amount": 9_900, "recurring": {"interval": "month"}}
    )
    subscription = client.v1.subscriptions.create(params={"customer": customer.id, "items": [{"price": price.id}]})
    stripe_fake.decline_payments(customer.id)

    invoice = stripe_fake.renew_subscription(subscription.id)

    assert invoice["status"] == "open"
    assert client.v1.subscriptions.retrieve(subscription.id).status == "past_due"
    stripe_fake.accept_payments(customer.id)
    assert stripe_fake.retry_invoice(invoice["id"])["status"] == "paid"
    assert client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_transfer_to_a_connected_account(client, stripe_fake):
    transfer = client.v1.transfers.create(
        params={"amount": 8_800, "currency": "cny", "destination": "acct_shop_a", "transfer_group": "order-7"}
    )

    assert (transfer.amount, transfer.destination, transfer.reversed) == (8_800, "acct_shop_a", False)


def test_module_level_sdk_calls_reach_the_fake_too(stripe_fake):
    customer = stripe.Customer.create(email="global@example.com")

    assert stripe_fake.get(customer.id)["email"] == "global@example.com"


def test_wrong_api_key_is_401(stripe_fake):
    client = stripe.StripeClient("rk_live_nope", base_addresses={"api": stripe_fake.url}, max_network_retries=0)

    with pytest.raises(stripe.AuthenticationError):
        client.v1.customers.create(params={"email": "a@example.com"})


def test_signed_event_verifies_with_the_sdk_and_a_forged_one_does_not():
    event = build_event("invoice.paid", {"id": "in_1", "object": "invoice"}, created=1_700_000_000)
    body, header = signed(event, WEBHOOK_SECRET)

    verified = stripe.Webhook.construct_event(body, header, WEBHOOK_SECRET)
    assert (verified.id, verified.type) == (event["id"], "invoice.paid")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, sign(body, "whsec_other"), WEBHOOK_SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body.replace(b"in_1", b"in_2"), header, WEBHOOK_SECRET)
    stale = sign(body, WEBHOOK_SECRET, timestamp=1_000_000_000)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, stale, WEBHOOK_SECRET)


def test_form_decoding_and_schema_checks_without_http():
    decoded = decode_form("items[0][price]=p&items[0][quantity]=2&metadata[k]=v&expand[]=latest_invoice")
    assert decoded == {"items": [{"price": "p", "quantity": "2"}], "metadata": {"k": "v"}, "expand": ["latest_invoice"]}
    assert request_errors("post", "/v1/refunds", {"amount": "ten"}) == ["amount: 'ten' is not of type 'integer'"]
    assert object_errors("transfer", {"id": "tr_1", "object": "transfer", "invented": 1})  # missing fields, unknown key


def test_each_session_gets_its_own_port():
    one, two = FakeStripe().start(), FakeStripe().start()
    try:
        assert one.url != two.url
        status, payload, _ = one.handle("GET", "/v1/nowhere", {"Authorization": f"Bearer {KEY}"}, "")
        assert (status, payload["error"]["type"]) == (404, "invalid_request_error")
        assert json.dumps(payload)
    finally:
        one.stop()
        two.stop()
