"""After-sales refunds through Stripe (the official SDK against the loopback fake, real webhook signatures)."""

from tenant_apps.orders.models import Payment, Refund
from tests.orders.test_stripe import charge_refunded, deliver, pay_stripe, succeeded_event

from .conftest import ask, decide, events_named, in_shop, order_row, place


def stripe_paid_order(shop, stripe_fake, buyer, *items) -> tuple[dict, dict]:
    order = place(buyer, *items).json()
    pay_stripe(buyer, order["id"])
    intent_id = in_shop(shop, lambda: Payment.objects.get(order_id=order["id"]).stripe_payment_intent_id)
    paid = succeeded_event(stripe_fake, intent_id)
    assert deliver(paid).status_code == 200
    return order, paid["data"]["object"]


def test_approving_a_refund_refunds_part_of_the_intent_once(stripe_shop, stripe_fake, catalog_a, buyer_a, manager_a):
    order, intent = stripe_paid_order(stripe_shop, stripe_fake, buyer_a, (catalog_a.tea.pk, 2))
    aftersale = ask(buyer_a, order["id"], "refund", (order["lines"][0]["id"], 1)).json()

    approved = decide(manager_a, aftersale["id"], "approve")
    webhook = deliver(charge_refunded(intent, 12900))  # Stripe tells us about the refund we made

    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["refund"]["status"]) == ("refunded", "succeeded")
    [sent] = [r for r in stripe_fake.requests if r.path == "/v1/refunds"]
    assert (sent.params["payment_intent"], int(sent.params["amount"])) == (intent["id"], 12900)
    assert sent.params["refund_application_fee"] in (True, "true")  # the platform's fee on it goes back too
    refund = in_shop(stripe_shop, Refund.objects.get)
    assert sent.params["metadata"]["refund_id"] == str(refund.pk)
    assert sent.headers["stripe-account"] == "acct_1AlphaShop"
    assert sent.headers["idempotency-key"] == f"mm-test_alpha-refund-{refund.pk}-12900"
    assert webhook.status_code == 200
    row = order_row(stripe_shop, order["id"])
    assert (row.status, row.refunded_amount) == ("paid", 12900)
    assert in_shop(stripe_shop, lambda: Payment.objects.get().refunded_amount) == 12900
    assert [e["refund_amount"] for e in events_named(stripe_shop, "order.refunded")] == [12900]


def test_stripe_refusing_the_refund_is_503_and_the_webhook_completes_the_row(
    stripe_shop, stripe_fake, catalog_a, buyer_a, manager_a, settings
):
    order, intent = stripe_paid_order(stripe_shop, stripe_fake, buyer_a, (catalog_a.tea.pk, 1))
    aftersale = ask(buyer_a, order["id"], "refund", (order["lines"][0]["id"], 1)).json()
    settings.STRIPE_SECRET_KEY = "sk_live_not_accepted_here"

    refused = decide(manager_a, aftersale["id"], "approve")
    settings.STRIPE_SECRET_KEY = "sk_test_fake_micromall"
    pending = in_shop(stripe_shop, lambda: (Refund.objects.get().status, order_row(stripe_shop, order["id"])))
    deliver(charge_refunded(intent, 12900))  # refunded from the dashboard meanwhile
    retried = decide(manager_a, aftersale["id"], "approve")

    assert refused.status_code == 503
    assert (pending[0], pending[1].refunded_amount) == ("pending", 0)
    assert retried.status_code == 409  # the webhook completed our row: nothing left to approve
    row = order_row(stripe_shop, order["id"])
    assert (row.status, row.refunded_amount) == ("closed", 12900)
    assert in_shop(stripe_shop, lambda: Refund.objects.get().status) == "succeeded"
    assert [e["refund_amount"] for e in events_named(stripe_shop, "order.refunded")] == [12900]


def test_stripes_news_of_one_refund_never_completes_another_it_refused(
    stripe_shop, stripe_fake, catalog_a, buyer_a, manager_a, settings, monkeypatch
):
    """A's refund was refused by Stripe (its row stays pending with the failure); B's goes through and Stripe's
    charge.refunded for it arrives before our own answer is recorded: B is completed, A stays pending (the money
    Stripe sent back is B's), and the order records 12,900 refunded, as Stripe does."""
    from django.db import connection

    from tenant_apps.orders.payments import gateways

    order, intent = stripe_paid_order(stripe_shop, stripe_fake, buyer_a, (catalog_a.tea.pk, 2))
    tea = order["lines"][0]
    a = ask(buyer_a, order["id"], "refund", (tea["id"], 1)).json()
    b = ask(buyer_a, order["id"], "refund", (tea["id"], 1)).json()
    settings.STRIPE_SECRET_KEY = "sk_live_not_accepted_here"
    assert decide(manager_a, a["id"], "approve").status_code == 503
    settings.STRIPE_SECRET_KEY = "sk_test_fake_micromall"
    send = gateways.StripeGateway.refund

    def webhook_first(self, *, payment, refund, shop):
        result = send(self, payment=payment, refund=refund, shop=shop)
        tenant = connection.tenant
        assert deliver(charge_refunded(intent, stripe_fake.refunded[intent["id"]])).status_code == 200
        connection.set_tenant(tenant)  # the webhook ran on the platform host (another process in production)
        return result

    monkeypatch.setattr(gateways.StripeGateway, "refund", webhook_first)
    assert decide(manager_a, b["id"], "approve").status_code == 200

    statuses = in_shop(stripe_shop, lambda: dict(Refund.objects.values_list("aftersale_id", "status")))
    row = order_row(stripe_shop, order["id"])
    assert stripe_fake.refunded[intent["id"]] == 12900
    assert (statuses[a["id"]], statuses[b["id"]], row.refunded_amount, row.status) == (
        "pending", "succeeded", 12900, "paid"
    )  # fmt: skip
    monkeypatch.setattr(gateways.StripeGateway, "refund", send)
    assert decide(manager_a, a["id"], "approve").status_code == 200  # the merchant retries A: it goes through now
    assert (stripe_fake.refunded[intent["id"]], order_row(stripe_shop, order["id"]).status) == (25800, "closed")
