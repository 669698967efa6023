"""At a group's deadline: a group short of members fails and every paid member gets a full refund through the
gateway (idempotent; the order.refunded event carries what coupons and points need); with auto-fill a group
that reached the share is completed with virtual members (no orders, no participations)."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.events.models import OutboxEvent
from tenant_apps.group_buys import services
from tenant_apps.group_buys.models import Group, GroupBuyItem, GroupStatus, Participation, ParticipationStatus
from tenant_apps.orders.models import AfterSale, Refund

from .conftest import buy, drain, group_of, in_shop, make_buyer, make_group_buy, order_row, participation, stock_of


def expire(shop, group_id: int) -> None:
    in_shop(shop, lambda: Group.objects.filter(pk=group_id).update(expires_at=timezone.now() - timedelta(seconds=1)))


def run(shop) -> dict:
    result = in_shop(shop, services.run_due_groups)
    drain(shop)
    return result


def test_a_group_short_of_members_fails_and_is_refunded_in_full_once(gb_shop, catalog_a, group_buy, buyer_a):
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    assert stock_of(gb_shop, catalog_a.tea) == 9
    expire(gb_shop, order["group_id"])

    assert run(gb_shop) == {"formed": 0, "failed": 1, "refunded": 1, "refund_errors": 0}

    row = order_row(gb_shop, order["id"])
    assert (row.status, row.refunded_amount) == ("closed", row.total_amount)
    assert group_of(gb_shop, order["group_id"]).status == GroupStatus.FAILED
    assert participation(gb_shop, order["id"]).status == ParticipationStatus.REFUNDED
    assert stock_of(gb_shop, catalog_a.tea) == 10  # never shipped: the unit is back on sale
    assert in_shop(gb_shop, lambda: GroupBuyItem.objects.get(activity=group_buy).sold) == 0
    events = in_shop(
        gb_shop, lambda: list(OutboxEvent.objects.filter(name="order.refunded").values_list("payload", flat=True))
    )
    assert len(events) == 1
    assert events[0]["status"] == "closed" and events[0]["refund_amount"] == row.total_amount
    assert events[0]["refunded_lines"][0]["quantity"] == 1  # what coupons and points are returned from

    assert run(gb_shop) == {
        "formed": 0,
        "failed": 0,
        "refunded": 0,
        "refund_errors": 0,
    }  # the next pass finds nothing to do
    assert in_shop(gb_shop, lambda: (Refund.objects.count(), AfterSale.objects.count())) == (1, 1)
    assert in_shop(gb_shop, lambda: OutboxEvent.objects.filter(name="order.refunded").count()) == 1


def test_a_refund_the_gateway_refused_is_retried_by_the_next_pass(gb_shop, catalog_a, group_buy, buyer_a, monkeypatch):
    from tenant_apps.orders.payments import gateways

    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    expire(gb_shop, order["group_id"])
    monkeypatch.setattr(
        gateways.TestGateway, "refund", lambda self, **kw: gateways.Refunded("failed", failure_message="down")
    )

    assert run(gb_shop)["refund_errors"] == 1
    assert participation(gb_shop, order["id"]).status == ParticipationStatus.PAID_WAITING
    assert order_row(gb_shop, order["id"]).status == "paid"

    monkeypatch.undo()
    assert run(gb_shop)["refunded"] == 1
    assert order_row(gb_shop, order["id"]).status == "closed"
    assert in_shop(gb_shop, lambda: Refund.objects.count()) == 1  # the same refund row, retried


def test_auto_fill_completes_a_group_with_virtual_members(gb_shop, catalog_a, buyer_a, buyer_a2):
    activity = make_group_buy(gb_shop, catalog_a.tea, group_size=3, autofill_percent=60)
    leader = buy(gb_shop, buyer_a, catalog_a.tea.pk, activity.pk)
    friend = buy(gb_shop, buyer_a2, catalog_a.tea.pk, activity.pk, group_id=leader["group_id"])
    expire(gb_shop, leader["group_id"])

    assert run(gb_shop)["formed"] == 1

    group = group_of(gb_shop, leader["group_id"])
    assert (group.status, group.joined, group.virtual_members) == (GroupStatus.FORMED, 3, 1)
    for order in (leader, friend):
        assert participation(gb_shop, order["id"]).status == ParticipationStatus.GROUPED
        assert order_row(gb_shop, order["id"]).ship_hold is False
    # The virtual member has no order and no participation: it never reaches a KPI.
    assert in_shop(gb_shop, lambda: Participation.objects.filter(group_id=group.pk).count()) == 2
    seats = buyer_a.client.get(f"/api/v1/store/groups/{group.pk}").json()["seats"]
    assert [s["is_virtual"] for s in seats] == [False, False, True]


def test_auto_fill_below_the_share_fails(gb_shop, catalog_a, buyer_a):
    activity = make_group_buy(gb_shop, catalog_a.tea, group_size=3, autofill_percent=60)
    leader = buy(gb_shop, buyer_a, catalog_a.tea.pk, activity.pk)  # 1/3 < 60 %
    expire(gb_shop, leader["group_id"])
    assert run(gb_shop)["failed"] == 1
    assert order_row(gb_shop, leader["id"]).status == "closed"


def test_a_cancelled_unpaid_order_gives_the_activity_stock_back(gb_shop, catalog_a, group_buy, buyer_a):
    from .conftest import order_for

    placed = order_for(buyer_a, catalog_a.tea.pk, {"type": "group_buy", "id": group_buy.pk}, quantity=2).json()
    assert in_shop(gb_shop, lambda: GroupBuyItem.objects.get(activity=group_buy).sold) == 2
    assert buyer_a.client.post(f"/api/v1/store/orders/{placed['id']}/cancel").status_code == 200
    drain(gb_shop)
    assert in_shop(gb_shop, lambda: GroupBuyItem.objects.get(activity=group_buy).sold) == 0
    assert participation(gb_shop, placed["id"]).status == ParticipationStatus.CANCELLED
    drain(gb_shop)  # delivered again: nothing more


def test_a_member_refunded_while_waiting_frees_the_seat(gb_shop, catalog_a, buyer_a, buyer_a2):
    from tenant_apps.orders.interface import refund_order_in_full

    activity = make_group_buy(gb_shop, catalog_a.tea, group_size=3)
    leader = buy(gb_shop, buyer_a, catalog_a.tea.pk, activity.pk)
    friend = buy(gb_shop, buyer_a2, catalog_a.tea.pk, activity.pk, group_id=leader["group_id"])
    assert group_of(gb_shop, leader["group_id"]).joined == 2

    in_shop(gb_shop, lambda: refund_order_in_full(order_id=friend["id"], reason="changed my mind"))
    drain(gb_shop)

    assert group_of(gb_shop, leader["group_id"]).joined == 1
    assert participation(gb_shop, friend["id"]).status == ParticipationStatus.REFUNDED
    third = make_buyer(gb_shop, "13900000077")
    joined = buy(gb_shop, third, catalog_a.tea.pk, activity.pk, group_id=leader["group_id"])
    assert joined["group_id"] == leader["group_id"]


def test_one_pass_refunds_every_failed_member_past_a_refused_one(gb_shop, catalog_a, buyer_a, buyer_a2, monkeypatch):
    """Batches of 1 (the real batch is 200): the first member's refund is refused, the second is still refunded in
    the same pass (a pass refunded one batch and did not come back; refused ones held up the rest)."""
    from tenant_apps.group_buys import services as group_services
    from tenant_apps.orders.payments import gateways

    activity = make_group_buy(gb_shop, catalog_a.tea, group_size=3)
    orders = [buy(gb_shop, buyer, catalog_a.tea.pk, activity.pk) for buyer in (buyer_a, buyer_a2)]
    for order in orders:
        expire(gb_shop, order["group_id"])
    refund = gateways.TestGateway.refund
    first = orders[0]["id"]

    def refuse_the_first(self, *, payment, refund_row=None, **kw):
        if payment.order_id == first:
            return gateways.Refunded("failed", failure_message="down")
        return refund(self, payment=payment, **kw)

    monkeypatch.setattr(gateways.TestGateway, "refund", refuse_the_first)
    monkeypatch.setattr(group_services, "EXPIRY_BATCH", 1)

    assert run(gb_shop)["refund_errors"] == 1
    assert [order_row(gb_shop, order["id"]).status for order in orders] == ["paid", "closed"]
