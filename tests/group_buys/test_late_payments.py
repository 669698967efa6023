"""A group-buy order paid by card after its unpaid timer cancelled it (orders' services/late.py, the group buy's
hook): kept while its units are there and, for a joiner, its group still forms with a free seat (the order is
then seated as any paid order); refunded in full when that group failed or filled up meanwhile."""

import pytest

from tenant_apps.group_buys import services
from tenant_apps.group_buys.models import GroupBuyItem, GroupStatus, ParticipationStatus
from tenant_apps.orders.services import settle_late_payment
from tests.orders.test_late_payments import pay_late, refunded_once, state
from tests.orders.test_stripe import stripe_shop  # noqa: F401

from .conftest import buy, drain, group_of, in_shop, make_buyer, order_for, participation, pay, stock_of
from .test_deadlines import expire


@pytest.fixture
def shop(gb_shop, stripe_shop):  # noqa: F811
    """Shop A with the test gateway (the other members) and card payments (the late one)."""
    return stripe_shop


def sold(shop, group_buy) -> int:
    return in_shop(shop, lambda: GroupBuyItem.objects.get(activity=group_buy).sold)


def joiner_order(buyer, sku_id: int, group_buy, group_id: int) -> int:
    placed = order_for(buyer, sku_id, {"type": "group_buy", "id": group_buy.pk, "group_id": group_id})
    assert placed.status_code == 201, placed.json()
    return placed.json()["id"]


def test_a_leader_paid_late_is_kept_and_opens_the_group(shop, stripe_fake, catalog_a, group_buy, buyer_a):
    placed = order_for(buyer_a, catalog_a.tea.pk, {"type": "group_buy", "id": group_buy.pk})
    order_id = pay_late(shop, stripe_fake, buyer_a, placed.json()["id"])
    drain(shop)  # order.paid: the seat

    assert state(shop, order_id) == ("paid", False, False)
    seat = participation(shop, order_id)
    assert (seat.status, seat.is_leader) == (ParticipationStatus.PAID_WAITING, True)
    group = group_of(shop, seat.group_id)
    assert (group.status, group.joined) == (GroupStatus.FORMING, 1)
    assert sold(shop, group_buy) == 1 and stock_of(shop, catalog_a.tea) == 9

    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == ""  # settled once
    assert sold(shop, group_buy) == 1


def test_a_joiner_paid_late_takes_the_free_seat_and_the_group_forms(
    shop, stripe_fake, catalog_a, group_buy, buyer_a, buyer_a2
):
    group_id = buy(shop, buyer_a, catalog_a.tea.pk, group_buy.pk)["group_id"]
    order_id = pay_late(shop, stripe_fake, buyer_a2, joiner_order(buyer_a2, catalog_a.tea.pk, group_buy, group_id))
    drain(shop)

    assert state(shop, order_id) == ("paid", False, False)
    assert participation(shop, order_id).status == ParticipationStatus.GROUPED
    assert group_of(shop, group_id).status == GroupStatus.FORMED
    assert sold(shop, group_buy) == 2


def test_a_joiner_paid_late_is_refunded_when_the_group_filled_up(
    shop, stripe_fake, catalog_a, group_buy, buyer_a, buyer_a2
):
    group_id = buy(shop, buyer_a, catalog_a.tea.pk, group_buy.pk)["group_id"]
    order_id = joiner_order(buyer_a2, catalog_a.tea.pk, group_buy, group_id)

    def someone_else_takes_the_seat():
        other = make_buyer(shop, "13800003001")
        assert pay(other, joiner_order(other, catalog_a.tea.pk, group_buy, group_id)).status_code == 200
        drain(shop)
        assert group_of(shop, group_id).status == GroupStatus.FORMED

    pay_late(shop, stripe_fake, buyer_a2, order_id, before_payment=someone_else_takes_the_seat)
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == "refunded"  # the queued task's work

    assert state(shop, order_id) == ("cancelled", False, True)
    assert refunded_once(shop, stripe_fake, order_id)
    assert participation(shop, order_id).status == ParticipationStatus.CANCELLED
    assert sold(shop, group_buy) == 2 and group_of(shop, group_id).joined == 2  # nothing taken for it


def test_a_joiner_paid_late_is_refunded_when_the_group_failed(
    shop, stripe_fake, catalog_a, group_buy, buyer_a, buyer_a2
):
    group_id = buy(shop, buyer_a, catalog_a.tea.pk, group_buy.pk)["group_id"]
    order_id = joiner_order(buyer_a2, catalog_a.tea.pk, group_buy, group_id)

    def the_group_fails():
        expire(shop, group_id)
        in_shop(shop, services.run_due_groups)
        drain(shop)
        assert group_of(shop, group_id).status == GroupStatus.FAILED

    pay_late(shop, stripe_fake, buyer_a2, order_id, before_payment=the_group_fails)
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == "refunded"

    assert state(shop, order_id) == ("cancelled", False, True)
    assert refunded_once(shop, stripe_fake, order_id)
    assert sold(shop, group_buy) == 0
