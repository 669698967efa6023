"""Races on the real database (threads, committed transactions): many helpers at once on one session never cut
below the floor and each cuts at most once; one helper racing over many sessions keeps the per-activity cap;
two orders of one session make one order; the activity stock is never oversold."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.bargains.models import Bargain, BargainHelp, BargainSession
from tenant_apps.orders.models import Order
from tests.committed import race

from .conftest import FLOOR, LIST_PRICE, help_, make_bargain, make_buyer, make_catalog, order_for, start

pytestmark = pytest.mark.django_db(transaction=True)


def test_many_helpers_at_once_never_cut_below_the_floor_nor_twice(shop):
    catalog = make_catalog(shop)
    activity = make_bargain(shop, catalog.tea, helpers_needed=4)
    owner = make_buyer(shop, "13900001000")
    sid = start(owner, activity.pk).json()["id"]
    helpers = [make_buyer(shop, f"139000011{n:02d}") for n in range(6)]

    # Six helpers, each trying twice at the same moment: 4 helps fit.
    codes = race(lambda helper: help_(helper, sid).status_code, helpers + helpers)

    assert (codes.count(200), codes.count(409)) == (4, 8)
    with tenant_context(shop):
        session = BargainSession.objects.get(pk=sid)
        cuts = list(BargainHelp.objects.filter(session=session).values_list("helper_member_id", "cut_amount"))
        assert session.current_price_amount == FLOOR and session.helps == 4
        assert len({member for member, _cut in cuts}) == 4  # nobody twice
        assert sum(cut for _m, cut in cuts) == LIST_PRICE - FLOOR


def test_one_helper_racing_over_sessions_keeps_the_cap(shop):
    catalog = make_catalog(shop)
    activity = make_bargain(shop, catalog.tea, per_helper_limit=2, stock=10)
    owners = [make_buyer(shop, f"139000012{n:02d}") for n in range(5)]
    sessions = [start(owner, activity.pk).json()["id"] for owner in owners]
    helper = make_buyer(shop, "13900001299")

    codes = race(lambda sid: help_(helper, sid).status_code, sessions)

    assert (codes.count(200), codes.count(409)) == (2, 3)
    with tenant_context(shop):
        assert BargainHelp.objects.filter(helper_member_id=helper.member.pk).count() == 2


def test_one_session_makes_one_order_and_the_stock_holds(shop, settings):
    settings.DEBUG = True
    catalog = make_catalog(shop, tea_stock=20)
    activity = make_bargain(shop, catalog.tea, pay_at_any_price=True, stock=2)
    owners = [make_buyer(shop, f"139000013{n:02d}") for n in range(4)]
    sessions = [(owner, start(owner, activity.pk).json()["id"]) for owner in owners]
    # The first owner tries the same session three times at once; the others once each.
    attempts = [sessions[0]] * 3 + sessions[1:]

    codes = race(lambda pair: order_for(pair[0], catalog.tea.pk, activity.pk, pair[1]).status_code, attempts)

    assert (codes.count(201), codes.count(409)) == (2, 4)
    with tenant_context(shop):
        assert Bargain.objects.get(pk=activity.pk).sold == 2
        assert Order.objects.count() == 2
        ordered = BargainSession.objects.exclude(order_id=None)
        assert ordered.count() == 2 and len(set(ordered.values_list("order_id", flat=True))) == 2
        assert catalog.tea.__class__.objects.get(pk=catalog.tea.pk).stock == 18
