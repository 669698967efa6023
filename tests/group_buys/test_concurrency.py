"""Races on the real database (threads, committed transactions): the last seat goes to one payer, the other
opens a new group; activity stock and the per-member quota are never exceeded."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.events.models import Delivery, OutboxEvent
from tenant_apps.events.services import deliver_event
from tenant_apps.group_buys.models import Group, GroupBuyItem, GroupStatus, Participation, ParticipationStatus
from tenant_apps.orders.models import Order
from tests.committed import race

from .conftest import buy, in_shop, make_buyer, make_catalog, make_group_buy, order_for, pay

pytestmark = pytest.mark.django_db(transaction=True)


def paid_event_of(order_id: int):
    return OutboxEvent.objects.get(name="order.paid", payload__order_id=order_id).pk


def test_two_payers_for_the_last_seat_one_joins_the_other_opens_a_new_group(shop, settings):
    settings.DEBUG = True
    catalog = make_catalog(shop)
    activity = make_group_buy(shop, catalog.tea)
    leader = buy(shop, make_buyer(shop, "13900000001"), catalog.tea.pk, activity.pk)
    group_id = leader["group_id"]
    friends = [make_buyer(shop, f"1390000010{n}") for n in range(2)]
    orders = []
    for friend in friends:
        placed = order_for(friend, catalog.tea.pk, {"type": "group_buy", "id": activity.pk, "group_id": group_id})
        assert placed.status_code == 201, placed.json()
        orders.append((friend, placed.json()["id"]))

    def pay_and_seat(pair):
        friend, order_id = pair
        assert pay(friend, order_id).status_code == 200
        with tenant_context(shop):
            return deliver_event(event_id=paid_event_of(order_id))

    race(pay_and_seat, orders)

    with tenant_context(shop):
        # Our handler ran for both payments (other subscribers, e.g. billing's ledger, are not under test here).
        delivered = Delivery.objects.filter(
            handler="group_buys.seat", event__payload__order_id__in=[o for _f, o in orders]
        )
        assert delivered.count() == 2, OutboxEvent.objects.values_list("last_error", flat=True)
        first = Group.objects.get(pk=group_id)
        assert (first.status, first.joined) == (GroupStatus.FORMED, 2)
        seats = {p.order_id: p for p in Participation.objects.filter(order_id__in=[o for _f, o in orders])}
        joined = [o for o, p in seats.items() if p.group_id == group_id]
        opened = [o for o, p in seats.items() if p.group_id != group_id]
        assert len(joined) == 1 and len(opened) == 1
        assert seats[joined[0]].status == ParticipationStatus.GROUPED
        new_group = Group.objects.get(pk=seats[opened[0]].group_id)
        assert (new_group.status, new_group.joined, seats[opened[0]].is_leader) == (GroupStatus.FORMING, 1, True)
        assert Order.objects.get(pk=opened[0]).group_id == new_group.pk
        assert Order.objects.get(pk=opened[0]).ship_hold is True
        assert Order.objects.get(pk=joined[0]).ship_hold is False


def test_activity_stock_is_never_oversold(shop, settings):
    settings.DEBUG = True
    catalog = make_catalog(shop, tea_stock=50)
    activity = make_group_buy(shop, catalog.tea, items=[{"sku_id": catalog.tea.pk, "price_amount": 9900, "stock": 3}])
    buyers = [make_buyer(shop, f"139000002{n:02d}") for n in range(8)]

    codes = race(
        lambda buyer: order_for(buyer, catalog.tea.pk, {"type": "group_buy", "id": activity.pk}).status_code, buyers
    )

    assert (codes.count(201), codes.count(409)) == (3, 5)
    with tenant_context(shop):
        assert GroupBuyItem.objects.get(activity_id=activity.pk).sold == 3
        assert Order.objects.count() == 3
    assert in_shop(shop, lambda: catalog.tea.__class__.objects.get(pk=catalog.tea.pk).stock) == 47


def test_the_per_member_quota_holds_under_parallel_orders(shop, settings):
    settings.DEBUG = True
    catalog = make_catalog(shop)
    activity = make_group_buy(shop, catalog.tea, per_member_limit=2)
    buyer = make_buyer(shop, "13900000301")

    codes = race(
        lambda _n: order_for(buyer, catalog.tea.pk, {"type": "group_buy", "id": activity.pk}).status_code, range(4)
    )

    assert (codes.count(201), codes.count(409)) == (2, 2)
    with tenant_context(shop):
        assert Participation.objects.filter(member_id=buyer.member.pk).count() == 2
