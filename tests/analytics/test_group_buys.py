# ruff: noqa: F811  (pytest fixtures imported from tests.group_buys / tests.orders)
"""Group-buy orders count as paid when their group forms (PROMOTIONS.md KPIs), through the real group-buy flow:
group_buys publishes `group.formed {group_id, activity_id, order_ids, formed_at}` in the formation's transaction and
the data centre counts the orders then; a group that fails and is refunded never counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.analytics import handlers, selectors
from tenant_apps.analytics.models import OrderFact
from tenant_apps.events.interface import Event
from tenant_apps.events.models import OutboxEvent
from tenant_apps.group_buys import services as group_buys
from tenant_apps.group_buys.models import Group, GroupStatus
from tests.group_buys.conftest import buy, drain, gb_shop, group_buy, in_shop, make_group_buy, order_for, pay  # noqa: F401
from tests.orders.conftest import buyer_a2, catalog_a  # noqa: F401

from .conftest import DAY1, DAY2, DAY3, deliver, paid_payload, when

pytestmark = pytest.mark.django_db


def paid_on(shop, buyer, sku_id: int, activity_id: int, moment, group_id: int | None = None) -> int:
    """Place and pay a group-buy order; its `order.paid` is dated `moment` and delivered (the seat is taken)."""
    activity = {"type": "group_buy", "id": activity_id, **({"group_id": group_id} if group_id else {})}
    placed = order_for(buyer, sku_id, activity)
    assert placed.status_code == 201, placed.json()
    order_id = placed.json()["id"]
    assert pay(buyer, order_id).status_code == 200
    in_shop(shop, lambda: OutboxEvent.objects.filter(name="order.paid", status="pending").update(created=moment))
    drain(shop)
    return order_id


def facts(shop) -> dict[int, tuple]:
    return in_shop(
        shop, lambda: {f.order_id: (f.paid_day, f.total_amount) for f in OrderFact.objects.order_by("order_id")}
    )


def test_a_group_buy_order_paid_on_day_1_counts_on_day_2_when_its_group_forms(gb_shop, catalog_a, buyer_a2):
    """Hand-computed: a plain order of 50.00 paid on day 1; the leader's group-buy order (99.00 + shipping) paid on
    day 1 in a 2-person group auto-filled at its deadline on day 2 at 09:00 → day 1: 1 order / 50.00,
    day 2: 1 order / the group order's total, days 1-3: 2 orders."""
    shop = gb_shop
    activity = make_group_buy(shop, catalog_a.tea, group_size=2, autofill_percent=50)
    deliver(shop, "order.paid", paid_payload(900001, 42, 5000), when(DAY1, 9))
    order_id = paid_on(shop, buyer_a2, catalog_a.tea.pk, activity.pk, when(DAY1, 10))
    total = in_shop(shop, lambda: OrderFact.objects.get(order_id=order_id).total_amount)
    assert facts(shop) == {900001: (DAY1, 5000), order_id: (None, total)}  # waits for its group

    group_id = in_shop(shop, lambda: Group.objects.get().pk)
    in_shop(shop, lambda: Group.objects.filter(pk=group_id).update(expires_at=when(DAY2, 8)))
    assert in_shop(shop, lambda: group_buys.close_expired_group(group_id=group_id, now=when(DAY2, 9))) == "formed"
    event = in_shop(shop, lambda: OutboxEvent.objects.get(name="group.formed"))
    assert event.payload == {
        "group_id": group_id,
        "activity_id": activity.pk,
        "order_ids": [order_id],  # the virtual member has no order
        "formed_at": when(DAY2, 9).isoformat(),
    }
    drain(shop)

    assert facts(shop) == {900001: (DAY1, 5000), order_id: (DAY2, total)}
    with tenant_context(shop):
        day1, day2, all_days = (selectors.summary(DAY1, DAY1), selectors.summary(DAY2, DAY2),
                                selectors.summary(DAY1, DAY3))  # fmt: skip
        series = {row["date"]: row for row in selectors.daily(DAY1, DAY2)}
    assert (day1["paid_orders"], day1["gmv_amount"]) == (1, 5000)
    assert (day2["paid_orders"], day2["gmv_amount"], day2["paying_members"]) == (1, total, 1)
    assert (all_days["paid_orders"], all_days["gmv_amount"]) == (2, 5000 + total)
    assert [series[DAY1]["paid_orders"], series[DAY2]["paid_orders"]] == [1, 1]

    drain(shop)  # delivered once: a second drain changes nothing
    assert facts(shop)[order_id] == (DAY2, total)


def test_a_group_that_forms_counts_both_orders_at_formation(gb_shop, catalog_a, group_buy, buyer_a, buyer_a2):
    leader = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    today = timezone.localdate()
    with tenant_context(gb_shop):
        assert selectors.summary(today, today)["paid_orders"] == 0
    friend = buy(gb_shop, buyer_a2, catalog_a.tea.pk, group_buy.pk, group_id=leader["group_id"])
    drain(gb_shop)  # group.formed, published while order.paid was delivered
    group = in_shop(gb_shop, lambda: Group.objects.get(pk=leader["group_id"]))
    assert group.status == GroupStatus.FORMED
    assert set(facts(gb_shop)) == {leader["id"], friend["id"]}
    assert {day for day, _total in facts(gb_shop).values()} == {timezone.localdate(group.formed_at)}
    with tenant_context(gb_shop):
        figures = selectors.summary(today - timedelta(days=1), today + timedelta(days=1))
    assert (figures["paid_orders"], figures["paying_members"]) == (2, 2)


def test_a_failed_refunded_group_never_counts_as_paid(gb_shop, catalog_a, group_buy, buyer_a):
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    in_shop(
        gb_shop,
        lambda: Group.objects.filter(pk=order["group_id"]).update(expires_at=timezone.now() - timedelta(seconds=1)),
    )
    assert in_shop(gb_shop, group_buys.run_due_groups)["refunded"] == 1
    drain(gb_shop)

    fact = in_shop(gb_shop, lambda: OrderFact.objects.get(order_id=order["id"]))
    assert fact.paid_at is None and fact.refunded_amount == fact.total_amount
    assert in_shop(gb_shop, lambda: OutboxEvent.objects.filter(name="group.formed").exists()) is False
    today = timezone.localdate()
    with tenant_context(gb_shop):
        figures = selectors.summary(today - timedelta(days=1), today + timedelta(days=1))
    assert (figures["paid_orders"], figures["gmv_amount"], figures["paying_members"]) == (0, 0, 0)


def test_group_formed_before_the_order_paid_event_still_counts_at_formation(gb_shop, catalog_a, group_buy, buyer_a):
    """Delivery order between events is not guaranteed: an `order.paid` handled after its group formed takes the
    group's formation time from group_buys.interface, not the payment's."""
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    formed = when(DAY3, 15)
    in_shop(gb_shop, lambda: Group.objects.filter(pk=order["group_id"]).update(status="formed", formed_at=formed))
    in_shop(gb_shop, lambda: OrderFact.objects.all().delete())
    payload = in_shop(gb_shop, lambda: OutboxEvent.objects.get(name="order.paid").payload)
    deliver(gb_shop, "order.paid", payload, when(DAY1))
    assert facts(gb_shop)[order["id"]][0] == DAY3


def test_a_group_formed_event_without_order_ids_is_skipped(gb_shop):
    with tenant_context(gb_shop):
        for payload in ({}, {"order_ids": None}, {"order_ids": ["x"]}, {"order_ids": [1], "formed_at": "2026-13-99"}):
            handlers.on_group_formed(Event(id=None, name="group.formed", payload=payload, created=when(DAY1)))
        assert not OrderFact.objects.exists()
