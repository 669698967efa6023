"""A bargain end to end: three friends cut the tea to the floor, the owner buys at the floor, cancelling gives the
unit back and the session can be bought again; expiry, the per-helper cap and the stock."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.bargains import services
from tenant_apps.bargains.models import Bargain, BargainSession, SessionStatus

from .conftest import FLOOR, LIST_PRICE, drain, help_, in_shop, make_bargain, make_buyer, order_for, post, start


def test_friends_cut_to_the_floor_the_owner_buys_and_a_cancel_gives_the_unit_back(bg_shop, catalog_a, buyer_a):
    activity = make_bargain(bg_shop, catalog_a.tea, helpers_needed=3)
    sid = start(buyer_a, activity.pk).json()["id"]
    cuts = []
    for n in range(3):
        response = help_(make_buyer(bg_shop, f"1380000200{n}"), sid)
        assert response.status_code == 200, response.json()
        cuts.append(response.json()["cut_amount"])
    assert sum(cuts) == LIST_PRICE - FLOOR and min(cuts) >= 1
    assert response.json()["current_price_amount"] == FLOOR
    assert help_(make_buyer(bg_shop, "13800002009"), sid).status_code == 409  # nothing left to cut
    shown = buyer_a.client.get(f"/api/v1/store/bargain-sessions/{sid}").json()
    assert (shown["status"], shown["can_buy"], shown["current_price_amount"]) == ("reached", True, FLOOR)
    placed = order_for(buyer_a, catalog_a.tea.pk, activity.pk, sid)
    assert placed.status_code == 201 and placed.json()["total_amount"] >= FLOOR
    assert placed.json()["lines"][0]["unit_price_amount"] == FLOOR
    order_id = placed.json()["id"]
    assert post(buyer_a.client, f"/api/v1/store/orders/{order_id}/cancel").status_code == 200
    drain(bg_shop)
    row = in_shop(bg_shop, lambda: BargainSession.objects.get(pk=sid))
    assert (row.status, row.order_id) == (SessionStatus.REACHED, None)
    assert in_shop(bg_shop, lambda: Bargain.objects.get(pk=activity.pk).sold) == 0
    assert order_for(buyer_a, catalog_a.tea.pk, activity.pk, sid).status_code == 201  # bought again


def test_an_expired_session_takes_no_help_and_cannot_be_bought(bg_shop, catalog_a, buyer_a, buyer_a2):
    activity = make_bargain(bg_shop, catalog_a.tea, helpers_needed=1, pay_at_any_price=True)
    sid = start(buyer_a, activity.pk).json()["id"]
    later = timezone.now() + timedelta(hours=25)
    member = buyer_a2.member.pk
    conflict = in_shop(bg_shop, lambda: _refused(lambda: services.help_session(
        session_id=sid, helper_member_id=member, now=later)))  # fmt: skip
    assert conflict
    in_shop(bg_shop, lambda: BargainSession.objects.filter(pk=sid).update(expires_at=timezone.now()))
    assert buyer_a.client.get(f"/api/v1/store/bargain-sessions/{sid}").json()["status"] == "expired"
    assert order_for(buyer_a, catalog_a.tea.pk, activity.pk, sid).status_code == 409
    assert help_(buyer_a2, sid).status_code == 409
    again = start(buyer_a, activity.pk)  # a new session may start after expiry
    assert again.status_code == 201 and again.json()["id"] != sid


def _refused(fn) -> bool:
    from micromall.errors import Conflict

    try:
        fn()
    except Conflict:
        return True
    return False


def test_the_per_helper_cap_counts_sessions_in_the_activity(bg_shop, catalog_a):
    activity = make_bargain(bg_shop, catalog_a.tea, per_helper_limit=2)
    owners = [make_buyer(bg_shop, f"1380000300{n}") for n in range(3)]
    sessions = [start(owner, activity.pk).json()["id"] for owner in owners]
    helper = make_buyer(bg_shop, "13800003009")
    codes = [help_(helper, sid).status_code for sid in sessions]
    assert codes == [200, 200, 409]


def test_starting_needs_stock(bg_shop, catalog_a, buyer_a):
    activity = make_bargain(bg_shop, catalog_a.tea, stock=0)
    assert start(buyer_a, activity.pk).status_code == 409
