"""The points ledger end to end, driven by real orders and their events: spend at checkout (engine step 6),
earn at completion (frozen, then unfrozen by the beat), return on cancel, return + claw-back on refund down to a
negative balance, expiry first in first out. Every balance is a sum over the ledger."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.loyalty import services
from tenant_apps.loyalty.models import PointsEntry
from tenant_apps.orders import services as order_services
from tenant_apps.orders.models import Order

from .conftest import balance, buy, complete, configure, drain, give, in_shop, place, refund


def kinds(shop, buyer):
    rows = PointsEntry.objects.filter(member_id=buyer.member.pk).order_by("id")
    return in_shop(shop, lambda: [(e.kind, e.points, e.frozen) for e in rows])


def test_spend_at_checkout_then_earn_frozen_then_unfreeze(loyalty_a, catalog_a, buyer_a):
    give(loyalty_a, buyer_a, 10000)

    preview = buyer_a.client.post(
        "/api/v1/store/checkout/preview", {"items": [{"sku_id": catalog_a.tea.pk, "quantity": 1}], "points": 10000},
        content_type="application/json",
    )  # fmt: skip
    assert preview.status_code == 200, preview.content
    # ¥129 tea: 50% cap = ¥64.50 = 6450 points (100 points = ¥1)
    assert (preview.json()["points_used"], preview.json()["total_amount"]) == (6450, 6450)
    assert balance(loyalty_a, buyer_a) == (10000, 0)  # a preview spends nothing

    order = buy(loyalty_a, buyer_a, (catalog_a.tea.pk, 1), points=10000)
    assert (order["points_used"], order["total_amount"]) == (6450, 6450)
    assert balance(loyalty_a, buyer_a) == (3550, 0)

    complete(loyalty_a, buyer_a, order["id"])
    # earned on the goods paid in money: ¥64.50 -> 64 points, frozen 7 days
    assert balance(loyalty_a, buyer_a) == (3550, 64)
    assert in_shop(loyalty_a, lambda: services.unfreeze_due(now=timezone.now() + timedelta(days=6))) == 0
    assert in_shop(loyalty_a, lambda: services.unfreeze_due(now=timezone.now() + timedelta(days=7, minutes=1))) == 1
    assert in_shop(loyalty_a, lambda: services.unfreeze_due(now=timezone.now() + timedelta(days=8))) == 0
    assert balance(loyalty_a, buyer_a) == (3614, 0)
    assert kinds(loyalty_a, buyer_a) == [
        ("adjust", 10000, 0), ("consume", -6450, 0), ("freeze", 0, 64), ("unfreeze", 64, -64),
    ]  # fmt: skip

    me = buyer_a.client.get("/api/v1/store/points").json()
    assert (me["balance"], me["frozen"]) == (3614, 0)
    assert [e["kind"] for e in me["entries"]] == ["unfreeze", "freeze", "consume", "adjust"]


def test_a_cancelled_order_returns_its_points(loyalty_a, catalog_a, buyer_a):
    give(loyalty_a, buyer_a, 1000)
    placed = place(buyer_a, (catalog_a.cup.pk, 1), points=1000)
    assert placed.status_code == 201 and placed.json()["points_used"] == 1000  # ¥35.50: cap ¥17.75 > ¥10
    assert balance(loyalty_a, buyer_a) == (0, 0)

    cancelled = buyer_a.client.post(f"/api/v1/store/orders/{placed.json()['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.content
    drain(loyalty_a)
    drain(loyalty_a)  # delivered once only

    assert balance(loyalty_a, buyer_a) == (1000, 0)
    assert kinds(loyalty_a, buyer_a)[-1] == ("revert", 1000, 0)


def test_refund_returns_spent_points_and_claws_back_earned_ones_to_a_negative_balance(loyalty_a, catalog_a, buyer_a):
    configure(loyalty_a, points_per_yuan=100, points_freeze_days=0)  # generous: 100 points per yuan, no freeze
    give(loyalty_a, buyer_a, 2000)
    order = buy(loyalty_a, buyer_a, (catalog_a.tea.pk, 1), points=2000)  # ¥20 off: pays ¥109
    assert (order["points_used"], order["total_amount"]) == (2000, 10900)
    complete(loyalty_a, buyer_a, order["id"])
    in_shop(loyalty_a, lambda: services.unfreeze_due(now=timezone.now() + timedelta(seconds=1)))
    assert balance(loyalty_a, buyer_a) == (10900, 0)  # 109 yuan x 100

    # the shopper spends the earned points on another order (¥35.50 cup, cap 50% = 1775 points)
    second = buy(loyalty_a, buyer_a, (catalog_a.cup.pk, 1), points=1775)
    assert second["points_used"] == 1775
    assert balance(loyalty_a, buyer_a) == (9125, 0)

    refund(loyalty_a, order["id"], 5450)  # half the money back
    # spent: 2000 * 5450/10900 = 1000 returned; earned 10900 -> 5450 left: 5450 clawed back
    assert balance(loyalty_a, buyer_a) == (9125 + 1000 - 5450, 0)

    in_shop(loyalty_a, lambda: services.adjust_points(member_id=buyer_a.member.pk, points=-4675, reason="used", by="t"))
    refund(loyalty_a, order["id"], 10900)  # the rest: all spent points back, all earned ones taken back
    assert balance(loyalty_a, buyer_a) == (0 + 1000 - 5450, 0)  # negative rather than keep spent points
    assert kinds(loyalty_a, buyer_a)[-2:] == [("revert", 1000, 0), ("clawback", -5450, 0)]

    refund(loyalty_a, order["id"], 10900)  # a replayed refund event changes nothing
    assert balance(loyalty_a, buyer_a) == (-4450, 0)
    me = buyer_a.client.get("/api/v1/store/me").json()
    assert me["points_balance"] == -4450


def test_a_refund_while_frozen_claws_back_frozen_points_first(loyalty_a, catalog_a, buyer_a):
    order = buy(loyalty_a, buyer_a, (catalog_a.tea.pk, 2))  # ¥258 -> 258 points frozen
    complete(loyalty_a, buyer_a, order["id"])
    assert balance(loyalty_a, buyer_a) == (0, 258)

    refund(loyalty_a, order["id"], 12900)

    assert balance(loyalty_a, buyer_a) == (0, 129)
    assert in_shop(loyalty_a, lambda: services.unfreeze_due(now=timezone.now() + timedelta(days=8))) == 1
    assert balance(loyalty_a, buyer_a) == (129, 0)


def test_an_order_refunded_before_completion_earns_on_what_was_kept(loyalty_a, catalog_a, buyer_a):
    order = buy(loyalty_a, buyer_a, (catalog_a.tea.pk, 2))
    refund(loyalty_a, order["id"], 12900)
    complete(loyalty_a, buyer_a, order["id"])
    assert balance(loyalty_a, buyer_a) == (0, 129)


def test_expiry_is_first_in_first_out(loyalty_a, buyer_a):
    configure(loyalty_a, points_expire_days=30)
    give(loyalty_a, buyer_a, 500, "old")
    in_shop(loyalty_a, lambda: services.adjust_points(member_id=buyer_a.member.pk, points=-200, reason="used", by="t"))
    give(loyalty_a, buyer_a, 100, "new")
    now = timezone.now()
    # the newer credit is valid longer (as if given 30 days later)
    in_shop(loyalty_a, lambda: PointsEntry.objects.filter(reason="new").update(expires_at=now + timedelta(days=60)))
    assert in_shop(loyalty_a, lambda: services.expire_due(now=now + timedelta(days=29))) == 0

    # the 200 spent came out of the old 500: 300 of it expire, the new 100 stay
    assert in_shop(loyalty_a, lambda: services.expire_due(now=now + timedelta(days=30, minutes=1))) == 300
    assert in_shop(loyalty_a, lambda: services.expire_due(now=now + timedelta(days=31))) == 0
    assert balance(loyalty_a, buyer_a) == (100, 0)
    assert in_shop(loyalty_a, lambda: services.expire_due(now=now + timedelta(days=61))) == 100
    assert balance(loyalty_a, buyer_a) == (0, 0)


def test_place_order_refuses_points_over_the_balance(loyalty_a, catalog_a, buyer_a):
    give(loyalty_a, buyer_a, 100)
    response = place(buyer_a, (catalog_a.tea.pk, 1), points=101)
    assert response.status_code == 400 and "points" in response.json()["errors"]
    assert in_shop(loyalty_a, lambda: Order.objects.count()) == 0
    assert balance(loyalty_a, buyer_a) == (100, 0)


def test_the_unpaid_timeout_returns_points(loyalty_a, catalog_a, buyer_a):
    give(loyalty_a, buyer_a, 300)
    placed = place(buyer_a, (catalog_a.tea.pk, 1), points=300).json()
    in_shop(loyalty_a, lambda: order_services.cancel_order(order_id=placed["id"], reason="timeout"))
    drain(loyalty_a)
    assert balance(loyalty_a, buyer_a) == (300, 0)


def test_refunding_one_line_gives_back_the_points_that_line_used(loyalty_a, catalog_a, buyer_a):
    """Tea and a cup, ¥10 shipping, 2,000 points (¥20) spread over the lines; the tea is refunded before shipment:
    its share of the points comes back in full (it came back short, compared with a total that held shipping, which
    points never pay; found by a review helper)."""
    from tenant_apps.orders.models import Order
    from tenant_apps.orders.services import aftersales
    from tenant_apps.pricing.models import ShippingTemplate

    from .conftest import drain, pay, place

    in_shop(loyalty_a, lambda: ShippingTemplate.objects.create(name="flat", flat_fee_amount=1000, is_default=True))
    give(loyalty_a, buyer_a, 2000)
    order_id = place(buyer_a, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1), points=2000).json()["id"]
    pay(buyer_a, order_id)
    drain(loyalty_a)
    order = in_shop(loyalty_a, lambda: Order.objects.prefetch_related("lines").get(pk=order_id))
    tea = next(line for line in order.lines.all() if line.sku_id == catalog_a.tea.pk)
    tea_points = sum(a["amount"] for a in tea.allocations if a["kind"] == "points")  # fen = points at 100 a yuan

    def refund_tea():
        asked = aftersales.request_aftersale(
            member=buyer_a.member, order_id=order_id, type="refund", lines=[(tea.pk, 1)]
        )
        aftersales.approve_aftersale(aftersale_id=asked.pk, shop=loyalty_a)

    in_shop(loyalty_a, refund_tea)
    drain(loyalty_a)

    assert (order.points_used, order.shipping_amount) == (2000, 1000)
    assert 0 < tea_points < 2000 and balance(loyalty_a, buyer_a)[0] == tea_points


def test_a_refund_delivered_before_the_completion_earns_nothing(loyalty_a, catalog_a, buyer_a):
    """order.refunded (everything) reached loyalty before order.completed (delivery order is not guaranteed): the
    completion earned 258 points and growth on refunded goods, never clawed back (found by a review helper)."""
    from django.db import transaction

    from tenant_apps.events.models import OutboxEvent
    from tenant_apps.events.services import deliver_event
    from tenant_apps.loyalty import selectors
    from tenant_apps.orders.events import REFUNDED, publish_order_event

    from .conftest import pay

    order_id = place(buyer_a, (catalog_a.tea.pk, 2)).json()["id"]
    pay(buyer_a, order_id)
    drain(loyalty_a)

    def complete_then_refund():
        order_services.ship_order(order_id=order_id, carrier="sf", tracking_number="SF0001")
        order_services.confirm_receipt(order_id=order_id, member=buyer_a.member)
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            order.refunded_amount = order.total_amount
            order.save(update_fields=["refunded_amount"])
            publish_order_event(REFUNDED, order, refund_amount=order.total_amount, refunded_amount=order.total_amount)
        for name in ("order.refunded", "order.completed"):  # the refund first
            deliver_event(event_id=OutboxEvent.objects.get(name=name, payload__order_id=order_id).pk)

    in_shop(loyalty_a, complete_then_refund)
    drain(loyalty_a)

    assert balance(loyalty_a, buyer_a) == (0, 0)
    assert in_shop(loyalty_a, lambda: selectors.growth_of(member_id=buyer_a.member.pk)) == 0
