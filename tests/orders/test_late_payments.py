"""A card payment that lands after the unpaid timer cancelled its order (services/late.py), for every order: kept
(cancelled -> paid) when the timer cancelled it and its goods can be reserved again, otherwise refunded in full
through the gateway; settled by the order.paid_late subscriber, or by the sweep when that was lost; never twice.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_redis import get_redis_connection

from tenant_apps.catalog.models import Sku
from tenant_apps.events.models import OutboxEvent
from tenant_apps.events.services import drain_due_events
from tenant_apps.orders.deadlines import _key, next_deadline_of
from tenant_apps.orders.models import Order, Payment, Refund
from tenant_apps.orders.services import (
    decide_late_payment,
    late,
    run_due_timers,
    settle_late_payment,
    settle_lost_late_payments,
)

from .conftest import in_shop, place, stock_of
from .test_stripe import deliver as deliver_webhook
from .test_stripe import pay_stripe, stripe_shop, succeeded_event  # noqa: F401

AFTER_THE_TIMERS = timedelta(days=8)  # past any unpaid window (at most 7 days)


@pytest.fixture
def shop(stripe_shop):  # noqa: F811
    """Shop A taking card payments through the fake Stripe."""
    return stripe_shop


def deliver(shop) -> None:
    """Deliver the shop's events now (what the Celery drain does)."""
    in_shop(shop, lambda: drain_due_events(now=timezone.now() + timedelta(hours=1)))


def pay_late(shop, stripe_fake, buyer, order_id, *, before_payment=lambda: None, by_shopper=False, handled=True):
    """Pay `order_id` by card after the timer (or the shopper) cancelled it and `before_payment` ran; with
    `handled`, the order.paid_late subscriber has run (else its worker was down)."""
    assert pay_stripe(buyer, order_id).status_code == 200
    intent_id = in_shop(shop, lambda: Payment.objects.get(order_id=order_id).stripe_payment_intent_id)
    if by_shopper:
        assert buyer.client.post(f"/api/v1/store/orders/{order_id}/cancel").status_code == 200
    else:
        in_shop(shop, lambda: run_due_timers(now=timezone.now() + AFTER_THE_TIMERS))
    deliver(shop)
    assert in_shop(shop, lambda: Order.objects.get(pk=order_id).status) == "cancelled"
    before_payment()
    assert deliver_webhook(succeeded_event(stripe_fake, intent_id)).status_code == 200
    if handled:
        deliver(shop)
    return order_id


def state(shop, order_id: int) -> tuple:
    def read():
        order, payment = Order.objects.get(pk=order_id), Payment.objects.get(order_id=order_id)
        return order.status, payment.needs_refund, payment.refunded_amount == payment.amount

    return in_shop(shop, read)


def event_names(shop, order_id: int) -> list[str]:
    return in_shop(
        shop, lambda: list(OutboxEvent.objects.filter(payload__order_id=order_id).values_list("name", flat=True))
    )


def refunded_once(shop, stripe_fake, order_id: int) -> bool:
    payment = in_shop(shop, lambda: Payment.objects.get(order_id=order_id))
    refunds = in_shop(shop, lambda: Refund.objects.filter(payment__order_id=order_id).count())
    return refunds == 1 and stripe_fake.refunded[payment.stripe_payment_intent_id] == payment.amount


def test_a_plain_order_paid_late_is_kept_while_its_goods_are_there(shop, stripe_fake, catalog_a, buyer_a):
    order_id = pay_late(shop, stripe_fake, buyer_a, place(buyer_a, (catalog_a.tea.pk, 2)).json()["id"])

    assert state(shop, order_id) == ("paid", False, False)
    assert stock_of(shop, catalog_a.tea) == 8  # reserved again
    assert event_names(shop, order_id).count("order.paid") == 1
    assert in_shop(shop, lambda: Refund.objects.count()) == 0

    # Settling again (a redelivered event, the sweep) keeps nothing twice.
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == ""
    assert in_shop(shop, lambda: decide_late_payment(order_id=order_id)) == ""
    assert stock_of(shop, catalog_a.tea) == 8
    assert event_names(shop, order_id).count("order.paid") == 1


def test_a_plain_order_paid_late_is_refunded_in_full_when_its_goods_are_gone(shop, stripe_fake, catalog_a, buyer_a):
    def goods_sold_elsewhere():
        in_shop(shop, lambda: Sku.objects.filter(pk=catalog_a.tea.pk).update(stock=0))

    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_late(shop, stripe_fake, buyer_a, order_id, before_payment=goods_sold_elsewhere)

    # The subscriber wrote the refund; its task sends it (settling again is what the task and the sweep do).
    assert state(shop, order_id) == ("cancelled", True, False)
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == late.REFUNDED
    deliver(shop)

    assert state(shop, order_id) == ("cancelled", False, True)
    assert refunded_once(shop, stripe_fake, order_id)
    assert stock_of(shop, catalog_a.tea) == 0  # nothing put back: the cancellation did
    names = event_names(shop, order_id)
    assert "order.late_payment_refunded" in names and "order.paid" not in names and "order.refunded" not in names

    # Settling twice never refunds twice.
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == ""
    assert refunded_once(shop, stripe_fake, order_id)


def test_an_order_the_shopper_cancelled_is_refunded_even_with_its_goods_there(shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_late(shop, stripe_fake, buyer_a, order_id, by_shopper=True)

    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == late.REFUNDED
    assert state(shop, order_id) == ("cancelled", False, True)
    assert refunded_once(shop, stripe_fake, order_id)
    assert stock_of(shop, catalog_a.tea) == 10


@pytest.mark.parametrize("spent", [{"coupon_code": "WELCOME10"}, {"points_used": 100}])
def test_an_order_that_spent_a_coupon_or_points_is_refunded_not_kept(shop, stripe_fake, catalog_a, buyer_a, spent):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    in_shop(shop, lambda: Order.objects.filter(pk=order_id).update(**spent))  # given back at the cancellation
    pay_late(shop, stripe_fake, buyer_a, order_id)

    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == late.REFUNDED
    assert state(shop, order_id) == ("cancelled", False, True)


def test_an_activity_without_a_hook_never_keeps_its_order(shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    in_shop(shop, lambda: Order.objects.filter(pk=order_id).update(activity_type="lucky_draw", activity_id=1))
    pay_late(shop, stripe_fake, buyer_a, order_id)

    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == late.REFUNDED
    assert state(shop, order_id) == ("cancelled", False, True)


def test_a_hook_that_refuses_gets_the_order_refunded_with_nothing_it_wrote_kept(
    shop, stripe_fake, catalog_a, buyer_a, monkeypatch
):
    from micromall.errors import Conflict

    seen = []

    def refuse(order):
        seen.append(order)
        Sku.objects.filter(pk=catalog_a.cup.pk).update(stock=0)  # rolled back with the savepoint
        raise Conflict("no")

    monkeypatch.setitem(late._hooks, "lucky_draw", refuse)
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    in_shop(shop, lambda: Order.objects.filter(pk=order_id).update(activity_type="lucky_draw", activity_id=7))
    pay_late(shop, stripe_fake, buyer_a, order_id)

    [told] = seen
    assert (told.order_id, told.activity_id, told.lines) == (order_id, 7, ((catalog_a.tea.pk, 1, 12900),))
    assert stock_of(shop, catalog_a.cup) == 3
    assert state(shop, order_id) == ("cancelled", True, False)  # its refund is written, to be sent
    with pytest.raises(ValueError):
        late.register_late_payment_hook("lucky_draw", lambda order: None)


def test_the_sweep_settles_a_late_payment_whose_event_was_lost(shop, stripe_fake, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_late(shop, stripe_fake, buyer_a, order_id, handled=False)  # the worker was down
    get_redis_connection("default").zrem(_key(), shop.schema_name)

    # Too young: left to the subscriber, and the shop is indexed for when it becomes the sweep's business.
    assert in_shop(shop, settle_lost_late_payments) == {"late_kept": 0, "late_refunded": 0, "late_errors": 0}
    succeeded_at = in_shop(shop, lambda: Payment.objects.get(order_id=order_id).succeeded_at)
    assert next_deadline_of(shop.schema_name) == pytest.approx((succeeded_at + late.SETTLE_GRACE).timestamp())

    later = timezone.now() + late.SETTLE_GRACE
    assert in_shop(shop, lambda: settle_lost_late_payments(now=later))["late_kept"] == 1
    assert state(shop, order_id) == ("paid", False, False)
    assert in_shop(shop, lambda: settle_lost_late_payments(now=later))["late_kept"] == 0
    deliver(shop)  # the lost order.paid_late arrives after all: nothing more happens
    assert state(shop, order_id) == ("paid", False, False)
    assert stock_of(shop, catalog_a.tea) == 9


def test_the_sweep_retries_a_refund_the_gateway_refused_and_sends_it_once(
    shop, stripe_fake, catalog_a, buyer_a, settings
):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_late(shop, stripe_fake, buyer_a, order_id, by_shopper=True)  # the refund is written, not sent
    later = timezone.now() + late.SETTLE_GRACE

    settings.STRIPE_SECRET_KEY = "sk_live_not_accepted_here"
    assert in_shop(shop, lambda: settle_lost_late_payments(now=later))["late_errors"] == 1
    assert in_shop(shop, lambda: settle_lost_late_payments(now=later))["late_errors"] == 1
    assert state(shop, order_id) == ("cancelled", True, False)
    refused = in_shop(shop, lambda: list(OutboxEvent.objects.filter(name="order.refund_refused").values_list(
        "payload", flat=True)))  # fmt: skip
    assert [(p["order_id"], p["refund_due_amount"]) for p in refused] == [(order_id, 12900)]  # the staff told once

    settings.STRIPE_SECRET_KEY = "sk_test_fake_micromall"
    assert in_shop(shop, lambda: settle_lost_late_payments(now=later))["late_refunded"] == 1
    assert in_shop(shop, lambda: settle_lost_late_payments(now=later))["late_refunded"] == 0
    assert state(shop, order_id) == ("cancelled", False, True)
    assert refunded_once(shop, stripe_fake, order_id)


def test_the_subscriber_queues_the_refund_task_on_commit(
    shop, stripe_fake, catalog_a, buyer_a, celery_eager, django_capture_on_commit_callbacks
):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_late(shop, stripe_fake, buyer_a, order_id, by_shopper=True, handled=False)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(shop)

    assert state(shop, order_id) == ("cancelled", False, True)
    assert refunded_once(shop, stripe_fake, order_id)


def test_a_late_payment_refunded_in_stripes_dashboard_is_recorded_and_the_staff_told_about_the_rest(
    shop, stripe_fake, catalog_a, buyer_a
):
    """The merchant refunds part of a late payment in Stripe's dashboard before orders settled it: recorded on the
    payment and the order (no order.refunded: it was never paid); the sweep cannot send the rest as a whole, so
    the staff are told once; the rest refunded in the dashboard too settles it (order.late_payment_refunded)."""
    from tenant_apps.orders.payments import stripe_api

    from .test_stripe import ACCOUNT, charge_refunded

    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    pay_late(shop, stripe_fake, buyer_a, order_id, by_shopper=True, handled=False)
    payment = in_shop(shop, lambda: Payment.objects.get(order_id=order_id))
    intent = {"id": payment.stripe_payment_intent_id, "latest_charge": "ch_x", "amount": 12900, "currency": "cny"}

    def dashboard_refund(amount: int, total: int) -> None:
        stripe_api.client().v1.refunds.create(
            params={"payment_intent": payment.stripe_payment_intent_id, "amount": amount},
            options={"stripe_account": ACCOUNT},
        )
        assert deliver_webhook(charge_refunded(intent, total)).status_code == 200

    dashboard_refund(5000, 5000)
    later = timezone.now() + late.SETTLE_GRACE
    swept = [in_shop(shop, lambda: settle_lost_late_payments(now=later))["late_errors"] for _ in range(2)]
    dashboard_refund(7900, 12900)

    names = in_shop(shop, lambda: list(OutboxEvent.objects.values_list("name", flat=True)))
    assert swept == [1, 1] and names.count("order.refund_refused") == 1
    assert "order.refunded" not in names and names.count("order.late_payment_refunded") == 1
    assert state(shop, order_id) == ("cancelled", False, True)
    assert in_shop(shop, lambda: Order.objects.get(pk=order_id).refunded_amount) == 12900
    assert in_shop(shop, lambda: settle_lost_late_payments(now=later)) == {
        "late_kept": 0, "late_refunded": 0, "late_errors": 0
    }  # fmt: skip
