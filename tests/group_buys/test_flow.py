"""A group forms end to end: leader pays (the group opens), a friend joins and pays (it forms, both orders may
ship); order states follow pending_payment -> paid_waiting (ship hold) -> grouped."""

import pytest
from django.utils import timezone

from micromall.errors import Conflict
from tenant_apps.group_buys.models import GroupStatus, ParticipationStatus
from tenant_apps.orders.services import ship_order

from .conftest import GROUP_PRICE, buy, drain, group_of, in_shop, order_for, order_row, participation, pay


def test_leader_pays_then_friend_joins_the_group_forms(gb_shop, catalog_a, group_buy, buyer_a, buyer_a2):
    placed = order_for(buyer_a, catalog_a.tea.pk, {"type": "group_buy", "id": group_buy.pk})
    assert placed.status_code == 201, placed.json()
    body = placed.json()
    assert body["total_amount"] == GROUP_PRICE and body["ship_hold"] is True and body["activity"]["group_id"] is None
    assert participation(gb_shop, body["id"]).status == ParticipationStatus.PENDING_PAYMENT
    assert in_shop(gb_shop, lambda: group_buy.groups.count()) == 0  # no group before the leader pays

    assert pay(buyer_a, body["id"]).status_code == 200
    drain(gb_shop)
    leader = buyer_a.client.get(f"/api/v1/store/orders/{body['id']}").json()
    group_id = leader["group_id"]
    assert group_id and leader["ship_hold"] is True
    seat = participation(gb_shop, body["id"])
    assert (seat.status, seat.is_leader, seat.group_id) == (ParticipationStatus.PAID_WAITING, True, group_id)
    group = buyer_a2.client.get(f"/api/v1/store/groups/{group_id}").json()
    assert (group["status"], group["group_size"], group["joined"]) == ("forming", 2, 1)
    with pytest.raises(Conflict):
        in_shop(gb_shop, lambda: ship_order(order_id=body["id"], carrier="sf", tracking_number="SF1234567890"))

    friend = buy(gb_shop, buyer_a2, catalog_a.tea.pk, group_buy.pk, group_id=group_id)

    assert friend["group_id"] == group_id and friend["total_amount"] == GROUP_PRICE
    row = group_of(gb_shop, group_id)
    assert (row.status, row.joined, row.virtual_members) == (GroupStatus.FORMED, 2, 0)
    for order_id in (body["id"], friend["id"]):
        assert participation(gb_shop, order_id).status == ParticipationStatus.GROUPED
        assert order_row(gb_shop, order_id).ship_hold is False
    in_shop(gb_shop, lambda: ship_order(order_id=body["id"], carrier="sf", tracking_number="SF1234567890"))
    assert buyer_a.client.get(f"/api/v1/store/groups/{group_id}").json()["status"] == "formed"


def test_events_delivered_twice_seat_once(gb_shop, catalog_a, group_buy, buyer_a):
    from tenant_apps.group_buys.services import seat_paid_order

    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    assert in_shop(gb_shop, lambda: seat_paid_order(order_id=order["id"])) is None
    assert group_of(gb_shop, order["group_id"]).joined == 1


def test_reads_never_change_state(gb_shop, catalog_a, group_buy, buyer_a, buyer_a2):
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    group_id = order["group_id"]
    in_shop(gb_shop, lambda: type(group_of(gb_shop, group_id)).objects.filter(pk=group_id).update(
        expires_at=timezone.now()
    ))  # fmt: skip
    assert buyer_a2.client.get(f"/api/v1/store/groups/{group_id}").json()["status"] == "failed"
    assert group_of(gb_shop, group_id).status == GroupStatus.FORMING  # the read did not write
    assert participation(gb_shop, order["id"]).status == ParticipationStatus.PAID_WAITING


def test_an_open_group_can_be_joined_after_the_activity_ends_until_its_own_deadline(
    gb_shop, catalog_a, group_buy, buyer_a, buyer_a2
):
    """PROMOTIONS.md: a group has its own deadline, not the activity's end. A friend opening the share link after the
    activity ended got 409 'not running' while the page showed the group forming (found by a review helper); a new
    group cannot be opened then."""
    from datetime import timedelta

    from tenant_apps.group_buys.models import GroupBuy
    from tests.orders.conftest import make_buyer

    group_id = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)["group_id"]
    now = timezone.now()
    ended = {"starts_at": now - timedelta(hours=2), "ends_at": now - timedelta(seconds=1)}
    in_shop(gb_shop, lambda: GroupBuy.objects.filter(pk=group_buy.pk).update(**ended))

    late_leader = make_buyer(gb_shop, "13900000077")
    new_group = order_for(late_leader, catalog_a.tea.pk, {"type": "group_buy", "id": group_buy.pk})
    friend = buy(gb_shop, buyer_a2, catalog_a.tea.pk, group_buy.pk, group_id=group_id)

    assert new_group.status_code == 400
    assert friend["group_id"] == group_id
    assert group_of(gb_shop, group_id).status == GroupStatus.FORMED
