"""A bargain order paid by card after its unpaid timer cancelled it (orders' services/late.py, the bargain's hook):
kept when its session was not ordered again, its price did not change and a unit is left; refunded otherwise."""

import pytest

from tenant_apps.bargains.models import Bargain, BargainSession, SessionStatus
from tenant_apps.orders.services import settle_late_payment
from tests.orders.test_late_payments import pay_late, refunded_once, state
from tests.orders.test_stripe import stripe_shop  # noqa: F401

from .conftest import FLOOR, help_, in_shop, make_bargain, make_buyer, order_for, start


@pytest.fixture
def shop(bg_shop, stripe_shop):  # noqa: F811
    return stripe_shop


def session_at_floor(shop, buyer, activity) -> int:
    session_id = start(buyer, activity.pk).json()["id"]
    for n in range(activity.helpers_needed):
        assert help_(make_buyer(shop, f"1380000400{n}"), session_id).status_code == 200
    return session_id


def order_id_of(buyer, sku_id: int, activity, session_id: int) -> int:
    placed = order_for(buyer, sku_id, activity.pk, session_id)
    assert placed.status_code == 201, placed.json()
    return placed.json()["id"]


def session(shop, session_id: int) -> BargainSession:
    return in_shop(shop, lambda: BargainSession.objects.get(pk=session_id))


def sold(shop, activity) -> int:
    return in_shop(shop, lambda: Bargain.objects.get(pk=activity.pk).sold)


def test_a_bargain_paid_late_is_kept_and_its_session_ordered_again(shop, stripe_fake, catalog_a, buyer_a):
    activity = make_bargain(shop, catalog_a.tea, helpers_needed=1)
    session_id = session_at_floor(shop, buyer_a, activity)
    order_id = pay_late(shop, stripe_fake, buyer_a, order_id_of(buyer_a, catalog_a.tea.pk, activity, session_id))

    assert state(shop, order_id) == ("paid", False, False)
    row = session(shop, session_id)
    assert (row.status, row.order_id, row.current_price_amount) == (SessionStatus.ORDERED, order_id, FLOOR)
    assert sold(shop, activity) == 1

    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == ""  # settled once
    assert sold(shop, activity) == 1


def test_a_bargain_paid_late_is_refunded_when_its_session_was_ordered_again(shop, stripe_fake, catalog_a, buyer_a):
    activity = make_bargain(shop, catalog_a.tea, helpers_needed=1)
    session_id = session_at_floor(shop, buyer_a, activity)
    order_id = order_id_of(buyer_a, catalog_a.tea.pk, activity, session_id)
    again = []

    pay_late(
        shop,
        stripe_fake,
        buyer_a,
        order_id,
        before_payment=lambda: again.append(order_id_of(buyer_a, catalog_a.tea.pk, activity, session_id)),
    )
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == "refunded"

    assert state(shop, order_id) == ("cancelled", False, True)
    assert refunded_once(shop, stripe_fake, order_id)
    assert session(shop, session_id).order_id == again[0] and sold(shop, activity) == 1


def test_a_bargain_paid_late_is_refunded_when_its_price_was_cut_since(shop, stripe_fake, catalog_a, buyer_a):
    activity = make_bargain(shop, catalog_a.tea, helpers_needed=2, pay_at_any_price=True)
    session_id = start(buyer_a, activity.pk).json()["id"]
    assert help_(make_buyer(shop, "13800005001"), session_id).status_code == 200
    order_id = order_id_of(buyer_a, catalog_a.tea.pk, activity, session_id)

    def a_friend_cuts_again():
        assert help_(make_buyer(shop, "13800005002"), session_id).status_code == 200

    pay_late(shop, stripe_fake, buyer_a, order_id, before_payment=a_friend_cuts_again)
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == "refunded"

    assert state(shop, order_id) == ("cancelled", False, True)
    assert session(shop, session_id).order_id is None and sold(shop, activity) == 0


def test_a_bargain_paid_late_is_refunded_when_the_activity_sold_out(shop, stripe_fake, catalog_a, buyer_a):
    activity = make_bargain(shop, catalog_a.tea, helpers_needed=1, stock=1)
    session_id = session_at_floor(shop, buyer_a, activity)
    order_id = order_id_of(buyer_a, catalog_a.tea.pk, activity, session_id)

    def the_last_unit_goes():
        in_shop(shop, lambda: Bargain.objects.filter(pk=activity.pk).update(sold=1))

    pay_late(shop, stripe_fake, buyer_a, order_id, before_payment=the_last_unit_goes)
    assert in_shop(shop, lambda: settle_late_payment(order_id=order_id)) == "refunded"
    assert state(shop, order_id) == ("cancelled", False, True)
    assert session(shop, session_id).order_id is None
