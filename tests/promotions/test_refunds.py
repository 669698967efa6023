"""Refunds and promotion uses (PROMOTIONS.md "Allocation to lines": a refund returns each line's allocated share
without re-running thresholds): refunded units take their share off the use's counted discount, several partial
refunds add up exactly, a full refund voids the use like a cancellation, and the rule's totals follow."""

from django.utils import timezone

from tenant_apps.events.interface import Event
from tenant_apps.promotions import selectors, services
from tenant_apps.promotions.handlers import on_refunded
from tenant_apps.promotions.models import PromotionUse

from .conftest import in_shop

TEA, CUP = 101, 102
ORDER = {
    "order_id": 7,
    "total_amount": 30000,
    "lines": [
        {"sku_id": TEA, "quantity": 3, "total_amount": 20000},
        {"sku_id": CUP, "quantity": 1, "total_amount": 10000},
    ],
}


def uses(shop):
    def create():
        lines = [{"sku_id": TEA, "amount": 1333}, {"sku_id": CUP, "amount": 667}]
        rule = PromotionUse.objects.create(
            order_id=7, member_id=1, code="promo-1", name="满200减20", amount=2000,
            snapshot={"kind": "threshold_reduce", "lines": lines},
        )  # fmt: skip
        offer = PromotionUse.objects.create(
            order_id=7, member_id=1, code="ltd-3", name="limited_discount", amount=3 * 500,
            snapshot={"lines": [{"sku_id": TEA, "list_price_amount": 7167, "unit_price_amount": 6667}]},
        )  # fmt: skip
        return rule.pk, offer.pk

    return in_shop(shop, create)


def refund(shop, refunded_amount: int, *lines):
    payload = {**ORDER, "refunded_amount": refunded_amount}
    payload["refunded_lines"] = [{"sku_id": sku, "quantity": quantity} for sku, quantity in lines]
    return in_shop(shop, lambda: services.return_uses(order_id=7, payload=payload))


def state(shop, pk):
    return in_shop(shop, lambda: PromotionUse.objects.values_list("refunded_amount", "voided").get(pk=pk))


def test_refunded_units_return_their_allocated_share_and_partial_refunds_add_up_exactly(shop_a):
    rule, offer = uses(shop_a)

    assert refund(shop_a, 6000, (TEA, 1)) == 2
    assert state(shop_a, rule) == (1333 * 1 // 3, False) and state(shop_a, offer) == (500, False)
    refund(shop_a, 12000, (TEA, 1))
    assert state(shop_a, rule) == (1333 * 2 // 3, False) and state(shop_a, offer) == (1000, False)
    refund(shop_a, 18000, (TEA, 1))  # the last tea: the whole of the tea's share, not a sum of floors
    assert state(shop_a, rule) == (1333, False) and state(shop_a, offer) == (1500, False)

    totals = in_shop(shop_a, lambda: selectors.use_totals(["promo-1", "ltd-3"]))
    assert totals == {"promo-1": {"orders": 1, "amount": 667}, "ltd-3": {"orders": 1, "amount": 0}}

    refund(shop_a, 28000, (CUP, 1))  # every unit back (shipping kept): the uses are void as after a cancel
    assert state(shop_a, rule)[1] is True and state(shop_a, offer)[1] is True
    assert in_shop(shop_a, lambda: selectors.use_totals(["promo-1"]))["promo-1"] == {"orders": 0, "amount": 0}


def test_a_full_money_refund_voids_and_a_partial_one_without_lines_changes_nothing(shop_a):
    rule, offer = uses(shop_a)

    assert refund(shop_a, 5000) == 0  # a gateway-side partial refund: no units known
    assert state(shop_a, rule) == (0, False)

    refund(shop_a, 30000)
    assert state(shop_a, rule)[1] is True and state(shop_a, offer)[1] is True
    assert refund(shop_a, 30000, (TEA, 3)) == 0  # nothing left to change


def test_the_event_handler_skips_payloads_without_an_order_and_other_shops_orders(shop_a, shop_b):
    rule, _offer = uses(shop_a)
    event = Event(id=None, name="order.refunded", payload={}, created=timezone.now())
    in_shop(shop_a, lambda: on_refunded(event))
    payload = {**ORDER, "refunded_amount": 30000, "refunded_lines": [{"sku_id": TEA, "quantity": 3}]}
    in_shop(shop_b, lambda: on_refunded(Event(id=None, name="order.refunded", payload=payload, created=timezone.now())))
    assert state(shop_a, rule) == (0, False)  # shop B's order 7 is another order

    in_shop(shop_a, lambda: on_refunded(Event(id=None, name="order.refunded", payload=payload, created=timezone.now())))
    assert state(shop_a, rule)[1] is True
