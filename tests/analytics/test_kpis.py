"""Every KPI of PROMOTIONS.md against a hand-computed fixture, to the unit: from raw events (days not rolled up),
from rollups, and from a mix; UV deduplicated across days; a share -> visit -> pay chain."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.analytics import selectors, services
from tenant_apps.analytics.models import Event, VisitorDay

from .conftest import DAY1, DAY2, DAY3, deliver, flush, paid_payload, push, when

pytestmark = pytest.mark.django_db

VA, VB, VC, VD = "visitor-aaaaaaaaaaaa", "visitor-bbbbbbbbbbbb", "visitor-cccccccccccc", "visitor-dddddddddddd"


def two_days(shop):
    """Day 1: A views the shop and product 1 and adds it to the cart; B views products 1 and 2; C views the shop.
    Day 2: A views the shop again; D views product 2, adds it, starts checkout; C shares (no view that day).
    Paid: member 1 pays 100.00 (day 1) and 50.00 (day 2), member 2 pays 33.33 (day 2)."""
    push(shop, "view_shop", VA, DAY1)
    push(shop, "view_product", VA, DAY1, 11, product_id=1)
    push(shop, "add_to_cart", VA, DAY1, 12, product_id=1)
    push(shop, "view_product", VB, DAY1, product_id=1)
    push(shop, "view_product", VB, DAY1, 11, product_id=2)
    push(shop, "view_shop", VC, DAY1)
    push(shop, "view_shop", VA, DAY2)
    push(shop, "view_product", VD, DAY2, product_id=2)
    push(shop, "add_to_cart", VD, DAY2, 11, product_id=2)
    push(shop, "checkout", VD, DAY2, 12)
    push(shop, "share", VC, DAY2, product_id=1)
    assert flush(shop) == 11
    deliver(shop, "order.paid", paid_payload(101, 1, 10000), when(DAY1))
    deliver(shop, "order.paid", paid_payload(102, 1, 5000), when(DAY2))
    deliver(shop, "order.paid", paid_payload(103, 2, 3333), when(DAY2))


EXPECTED = {
    "visitors": 4,  # A, B, C, D: A counted once although seen on both days (3 + 2 by day)
    "pv": 7,  # day 1: 2 + 2 + 1, day 2: 1 + 1
    "product_visitors": 3,  # A, B, D
    "cart_visitors": 2,  # A, D
    "checkout_visitors": 1,
    "add_to_cart_rate": 0.6667,  # 2 / 3
    "paid_orders": 3,
    "gmv_amount": 18333,
    "paying_members": 2,
    "conversion_rate": 0.5,  # 2 paying members / 4 visitors
    "average_order_amount": 9167,  # 18333 / 2 = 9166.5, half up
    "repeat_buyers": 1,
    "repeat_purchase_rate": 0.5,  # member 1 paid twice, of 2 paying members
    "sharers": 1,
    "share_rate": 0.25,  # 1 / 4
    "pv_per_visitor": 1.75,
    "new_visitors_via_share": 0,
    "fission_rate": 0.0,
}


def picked(figures: dict) -> dict:
    return {key: figures[key] for key in EXPECTED}


def test_every_kpi_from_raw_events(analytics_shop):
    two_days(analytics_shop)
    with tenant_context(analytics_shop):
        assert picked(selectors.summary(DAY1, DAY2)) == EXPECTED
        day1 = selectors.summary(DAY1, DAY1)
        day2 = selectors.summary(DAY2, DAY2)
    assert (day1["visitors"], day2["visitors"]) == (3, 2)  # 3 + 2 = 5 by day, 4 over the period
    assert (day1["pv"], day1["gmv_amount"], day1["average_order_amount"]) == (5, 10000, 10000)
    assert (day2["paid_orders"], day2["repeat_purchase_rate"], day2["share_rate"]) == (2, 0.0, 0.5)


def test_rollups_answer_the_same_and_survive_the_retention(analytics_shop):
    two_days(analytics_shop)
    with tenant_context(analytics_shop):
        services.rollup_day(day=DAY1)  # day 1 from the rollup, day 2 from raw events: UV still deduplicated
        assert picked(selectors.summary(DAY1, DAY2)) == EXPECTED
        rolled = services.rollup(today=DAY3)
        assert rolled == [DAY1, DAY2]
        assert VisitorDay.objects.filter(day=DAY1).count() == 3
        services.update_settings(retention_days=1)
        assert services.prune(today=DAY3) == 11 - 4 - 1  # day 1's events go, day 2 (yesterday) stays
        assert not Event.objects.filter(day=DAY1).exists()
        assert picked(selectors.summary(DAY1, DAY2)) == EXPECTED


def test_daily_series_and_top_lists(analytics_shop):
    two_days(analytics_shop)
    with tenant_context(analytics_shop):
        series = selectors.timeseries("visitors", DAY1, DAY3)
        gmv = selectors.timeseries("gmv_amount", DAY1, DAY2)
        sources = selectors.top("sources", DAY1, DAY2)
        products = selectors.top("products", DAY1, DAY2)
    assert [p["value"] for p in series] == [3, 2, 0]
    assert [p["value"] for p in gmv] == [10000, 8333]
    assert [(r["key"], r["visitors"]) for r in sources] == [("direct", 4)]
    by_id = {row["key"]: row for row in products}
    assert (by_id[1]["views"], by_id[1]["visitors"], by_id[1]["cart_visitors"]) == (2, 2, 1)
    assert (by_id[2]["views"], by_id[2]["cart_visitors"]) == (2, 1)
    assert (by_id[1]["paid_orders"], by_id[1]["amount"]) == (3, 18333)  # the payloads' lines are product 1


def test_share_visit_pay_chain(analytics_shop):
    """C shares product 1; E (new) and F (new) arrive through C's link; E shares on, G arrives through E's;
    E signs in as member 7 (her cart call carries the token) and pays 88.00."""
    shop = analytics_shop
    from tenant_apps.analytics.collect import share_code_of

    c, e, f, g = "visitor-cccccccccccc", "visitor-eeeeeeeeeeee", "visitor-ffffffffffff", "visitor-gggggggggggg"
    push(shop, "view_shop", c, DAY1, 9)
    push(shop, "share", c, DAY1, 10, product_id=1, share_code=share_code_of(c))
    push(shop, "view_product", e, DAY1, 11, product_id=1, share_code=share_code_of(c), source="share")
    push(shop, "view_product", f, DAY1, 11, product_id=1, share_code=share_code_of(c), source="share")
    push(shop, "share", e, DAY1, 12, product_id=1, share_code=share_code_of(e))
    push(shop, "view_product", g, DAY2, 9, product_id=1, share_code=share_code_of(e), source="share")
    push(shop, "add_to_cart", e, DAY2, 10, product_id=1, member_id=7)
    flush(shop)
    deliver(shop, "order.paid", paid_payload(201, 7, 8800), when(DAY2, 11))

    with tenant_context(shop):
        figures = selectors.summary(DAY1, DAY2)
        tree = selectors.fission_tree(DAY1, DAY2, product_id=1)
        sources = selectors.top("sources", DAY1, DAY2)
    assert figures["visitors"] == 4  # c, e, f, g
    assert figures["sharers"] == 2  # c, e
    assert figures["share_rate"] == 0.5
    assert figures["new_visitors_via_share"] == 3  # e, f, g
    assert figures["fission_rate"] == 1.5  # 3 / 2
    assert figures["paying_members"] == 1 and figures["conversion_rate"] == 0.25
    [root] = tree
    assert (root["visitor"], root["arrivals"]) == (c, 2)
    kids = {kid["visitor"]: kid for kid in root["children"]}
    assert set(kids) == {e, f}
    assert (kids[e]["member_id"], kids[e]["paid_amount"], kids[e]["arrivals"]) == (7, 8800, 1)
    assert [kid["visitor"] for kid in kids[e]["children"]] == [g]
    assert {row["key"]: row["visitors"] for row in sources}["share"] == 3


def test_cash_on_delivery_counts_at_shipment_and_refunds_are_kept(analytics_shop):
    shop = analytics_shop
    cod = paid_payload(301, 5, 2000, payment_method="cod", payment_status="due_on_delivery")
    deliver(shop, "order.paid", cod, when(DAY1))
    with tenant_context(shop):
        assert selectors.summary(DAY1, DAY3)["paid_orders"] == 0
    deliver(shop, "order.shipped", {**cod, "status": "shipped"}, when(DAY2))
    deliver(shop, "order.refunded", {**cod, "refunded_amount": 500}, when(DAY3))
    with tenant_context(shop):
        assert selectors.summary(DAY1, DAY1)["paid_orders"] == 0
        day2 = selectors.summary(DAY2, DAY2)
        assert (day2["paid_orders"], day2["gmv_amount"], day2["refunded_amount"]) == (1, 2000, 500)


def test_events_without_an_order_are_left_alone(analytics_shop):
    from tenant_apps.analytics.models import OrderFact

    deliver(analytics_shop, "order.paid", {"order_id": 1, "lines": [{"product_id": 1, "quantity": 1}]})
    with tenant_context(analytics_shop):
        from tenant_apps.events.models import OutboxEvent

        assert OutboxEvent.objects.get().status == "delivered"
        assert not OrderFact.objects.exists()
