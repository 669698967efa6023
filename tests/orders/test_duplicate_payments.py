"""A card payment that succeeds for an order already paid another way (the shopper opened the card form, then chose
cash on delivery, then completed the card payment after all): the order keeps its way of paying and the duplicate
charge is refunded in full through Stripe, automatically, once; the refund's webhook changes nothing in the order.
"""

import pytest

from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders import services
from tenant_apps.orders.models import Order, Payment
from tenant_apps.orders.services.duplicates import refund_duplicate_payment, refund_lost_duplicate_payments
from tenant_apps.orders.services.payments import GatewayUnavailable
from tests.conftest import staff_of
from tests.notifications.test_order_notices import deliver_all
from tests.stripe_fake import webhooks

from .conftest import in_shop, place
from .test_stripe import ACCOUNT, charge_refunded, deliver, pay_stripe, stripe_shop, succeeded_event  # noqa: F401


@pytest.fixture
def shop(stripe_shop):  # noqa: F811
    return stripe_shop


def pay_cod_then_card(shop, stripe_fake, buyer, catalog, commit=None) -> tuple[int, dict]:
    """An order paid cash on delivery whose earlier card intent then succeeds; (order id, the succeeded event).
    `commit` (django_capture_on_commit_callbacks) runs what the webhook queues once it commits; without it the
    refund task is lost."""
    order_id = place(buyer, (catalog.tea.pk, 1)).json()["id"]
    assert pay_stripe(buyer, order_id).status_code == 200
    cod = buyer.client.post(f"/api/v1/store/orders/{order_id}/pay", {"method": "cod"}, content_type="application/json")
    assert cod.json()["status"] == "paid"
    intent_id = in_shop(shop, lambda: Payment.objects.get(method="stripe").stripe_payment_intent_id)
    event = succeeded_event(stripe_fake, intent_id)
    if commit is None:
        assert deliver(event).status_code == 200
    else:
        with commit(execute=True):
            assert deliver(event).status_code == 200
    return order_id, event


def payments(shop) -> list[tuple]:
    return in_shop(
        shop,
        lambda: list(
            Payment.objects.order_by("method").values_list("method", "status", "refunded_amount", "needs_refund")
        ),
    )


def test_a_card_payment_for_an_order_paid_cash_on_delivery_is_refunded_in_full(
    shop, stripe_fake, catalog_a, buyer_a, celery_eager, django_capture_on_commit_callbacks
):
    order_id, _event = pay_cod_then_card(shop, stripe_fake, buyer_a, catalog_a, django_capture_on_commit_callbacks)

    [refund] = stripe_fake.requests_to("POST", "/v1/refunds")
    assert (refund.params["amount"], refund.params["reason"], refund.stripe_account) == (12900, "duplicate", ACCOUNT)
    assert refund.params["refund_application_fee"] in (True, "true")
    assert payments(shop) == [("cod", "pending", 0, False), ("stripe", "pending", 12900, False)]
    order = in_shop(shop, lambda: Order.objects.get(pk=order_id))
    assert (order.status, order.payment_method, order.refunded_amount) == ("paid", "cod", 0)

    again = webhooks.build_event("payment_intent.succeeded", _event["data"]["object"], account=ACCOUNT)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(again)  # the same news under another event id: the refunded duplicate stays closed
    assert payments(shop)[1] == ("stripe", "pending", 12900, False)
    assert len(stripe_fake.requests_to("POST", "/v1/refunds")) == 1


def test_the_order_still_ships_and_collects_its_cash_after_the_duplicate(
    shop, stripe_fake, catalog_a, buyer_a, celery_eager, django_capture_on_commit_callbacks
):
    order_id, _event = pay_cod_then_card(shop, stripe_fake, buyer_a, catalog_a, django_capture_on_commit_callbacks)

    in_shop(shop, lambda: services.ship_order(order_id=order_id, carrier="sf", tracking_number="SF100"))
    done = buyer_a.client.post(f"/api/v1/store/orders/{order_id}/confirm-receipt")

    assert done.json()["status"] == "completed"
    assert payments(shop) == [("cod", "succeeded", 0, False), ("stripe", "pending", 12900, False)]


def test_the_refund_webhook_of_a_duplicate_leaves_the_order_alone(
    shop, stripe_fake, catalog_a, buyer_a, celery_eager, django_capture_on_commit_callbacks
):
    order_id, event = pay_cod_then_card(shop, stripe_fake, buyer_a, catalog_a, django_capture_on_commit_callbacks)

    assert deliver(charge_refunded(event["data"]["object"], 12900)).status_code == 200

    order = in_shop(shop, lambda: Order.objects.get(pk=order_id))
    assert (order.status, order.refunded_amount) == ("paid", 0)
    assert payments(shop)[1] == ("stripe", "pending", 12900, False)


def test_a_refund_the_merchant_made_in_stripe_is_recorded_on_the_duplicate(shop, stripe_fake, catalog_a, buyer_a):
    """No worker ran the refund task: the merchant refunded the charge in Stripe's dashboard; its webhook closes
    the duplicate without touching the order, and nothing is refunded twice."""
    order_id, event = pay_cod_then_card(shop, stripe_fake, buyer_a, catalog_a)
    assert payments(shop)[1] == ("stripe", "pending", 0, True)

    deliver(charge_refunded(event["data"]["object"], 12900))
    sent = in_shop(shop, refund_lost_duplicate_payments)

    assert sent == 0 and stripe_fake.requests_to("POST", "/v1/refunds") == []
    assert payments(shop)[1] == ("stripe", "pending", 12900, False)
    assert in_shop(shop, lambda: Order.objects.get(pk=order_id).status) == "paid"


def test_a_lost_refund_task_is_done_by_the_sweep_once(shop, stripe_fake, catalog_a, buyer_a):
    pay_cod_then_card(shop, stripe_fake, buyer_a, catalog_a)  # no eager Celery: the task never ran

    swept = in_shop(shop, refund_lost_duplicate_payments)
    again = in_shop(shop, refund_lost_duplicate_payments)
    payment_id = in_shop(shop, lambda: Payment.objects.get(method="stripe").pk)
    direct = in_shop(shop, lambda: refund_duplicate_payment(payment_id=payment_id))

    assert (swept, again, direct) == (1, 0, False)
    assert len(stripe_fake.requests_to("POST", "/v1/refunds")) == 1
    assert payments(shop)[1] == ("stripe", "pending", 12900, False)


def test_stripe_refusing_the_refund_leaves_it_due(shop, stripe_fake, catalog_a, buyer_a, settings):
    pay_cod_then_card(shop, stripe_fake, buyer_a, catalog_a)
    payment_id = in_shop(shop, lambda: Payment.objects.get(method="stripe").pk)
    settings.STRIPE_SECRET_KEY = "sk_live_not_accepted_here"  # Stripe refuses the request

    with pytest.raises(GatewayUnavailable):
        in_shop(shop, lambda: refund_duplicate_payment(payment_id=payment_id))

    assert payments(shop)[1] == ("stripe", "pending", 0, True)


def test_a_refund_refused_on_a_sweep_mails_the_staff_once_and_is_retried(
    shop, stripe_fake, catalog_a, buyer_a, settings, mailoutbox
):
    owner = staff_of(shop)
    order_id, _event = pay_cod_then_card(shop, stripe_fake, buyer_a, catalog_a)
    number = in_shop(shop, lambda: Order.objects.get(pk=order_id).number)
    settings.STRIPE_SECRET_KEY = "sk_live_not_accepted_here"  # Stripe refuses every request

    refused = [in_shop(shop, refund_lost_duplicate_payments) for _ in range(2)]
    deliver_all(shop)
    settings.STRIPE_SECRET_KEY = "sk_test_fake_micromall"
    retried = in_shop(shop, refund_lost_duplicate_payments)

    assert (refused, retried) == ([0, 0], 1)
    alerts = in_shop(shop, lambda: list(OutboxEvent.objects.filter(name="order.refund_refused").values_list(
        "payload", flat=True)))  # fmt: skip
    assert [(p["order_number"], p["refund_due_amount"], p["gateway"]) for p in alerts] == [(number, 12900, "stripe")]
    [mail] = [m for m in mailoutbox if "退款" in m.subject]  # order.paid (cash on delivery) mailed the staff too
    assert (mail.to, mail.subject) == ([owner.email], f"Shop alpha：订单 {number} 的退款需要处理")
    assert "¥129.00" in mail.body and "系统每隔几分钟会自动重试" in mail.body
    assert payments(shop)[1] == ("stripe", "pending", 12900, False)
