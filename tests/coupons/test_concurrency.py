"""Races on the real database (threads, committed transactions): coupon stock, per-member limits, and one
coupon on two simultaneous orders."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.coupons.models import Coupon, MemberCoupon
from tenant_apps.orders.models import Order
from tests.committed import race

from .conftest import claim, claimed_code, make_buyer, make_catalog, make_coupon, place

pytestmark = pytest.mark.django_db(transaction=True)


def test_thirty_shoppers_race_for_the_last_five_coupons(shop):
    coupon = make_coupon(shop, total_quantity=8)
    early = [make_buyer(shop, f"1380000{n:04d}") for n in range(3)]
    for buyer in early:
        claimed_code(buyer, coupon.pk)
    buyers = [make_buyer(shop, f"1390000{n:04d}") for n in range(30)]

    codes = race(lambda buyer: claim(buyer, coupon.pk).status_code, buyers)

    assert (codes.count(201), codes.count(409)) == (5, 25)
    with tenant_context(shop):
        assert Coupon.objects.get(pk=coupon.pk).issued_count == 8
        assert MemberCoupon.objects.filter(coupon=coupon).count() == 8


def test_one_shopper_claiming_at_once_never_passes_the_limits(shop):
    total = make_coupon(shop, per_member_limit=2, total_quantity=100)
    daily = make_coupon(shop, per_member_limit=10, per_member_daily_limit=3, total_quantity=100)
    buyer = make_buyer(shop, "13900000001")

    totals = race(lambda _: claim(buyer, total.pk).status_code, range(12))
    dailies = race(lambda _: claim(buyer, daily.pk).status_code, range(12))

    assert (totals.count(201), totals.count(409)) == (2, 10)
    assert (dailies.count(201), dailies.count(409)) == (3, 9)
    with tenant_context(shop):
        assert MemberCoupon.objects.filter(member=buyer.member, coupon=total).count() == 2
        assert Coupon.objects.get(pk=total.pk).issued_count == 2  # refused claims gave their stock back
        assert Coupon.objects.get(pk=daily.pk).issued_count == 3


def test_one_coupon_on_two_simultaneous_orders_only_one_succeeds(shop):
    catalog = make_catalog(shop, tea_stock=20)
    buyer = make_buyer(shop, "13900000002")
    code = claimed_code(buyer, make_coupon(shop).pk)

    codes = race(lambda _: place(buyer, (catalog.tea.pk, 1), coupon_code=code).status_code, range(6))

    assert (codes.count(201), codes.count(400)) == (1, 5)
    with tenant_context(shop):
        assert Order.objects.count() == 1
        order = Order.objects.get()
        assert (order.coupon_code, order.discount_amount) == (code, 2000)
        coupon = MemberCoupon.objects.get(code=code)
        assert (coupon.status, coupon.order_id) == ("locked", order.pk)
