"""Races on the real database (threads, committed transactions): flash stock never oversold, a member's quota
never overrun, whatever the interleaving."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.flash_sales.models import FlashSaleParticipation, FlashSaleQuota
from tenant_apps.orders.models import Order
from tests.committed import race

from .conftest import buy, create_sale, held, in_shop, make_buyer, make_catalog, remaining, stock_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_buyers_ten_flash_units_exactly_ten_orders(shop):
    catalog = make_catalog(shop, tea_stock=30)
    sale = create_sale(shop, [catalog.tea], stock=10, per_member_limit=1)
    buyers = [make_buyer(shop, f"1390000{n:04d}") for n in range(40)]

    responses = race(lambda buyer: buy(buyer, sale, catalog.tea), buyers)

    codes = [r.status_code for r in responses]
    assert (codes.count(201), codes.count(409), len(codes)) == (10, 30, 40)
    assert {r.json()["reason"] for r in responses if r.status_code == 409} == {"sold_out"}
    assert remaining(shop, sale) == 0 and stock_of(shop, catalog.tea) == 20
    with tenant_context(shop):
        assert Order.objects.count() == 10
        assert FlashSaleParticipation.objects.count() == 10
        assert sorted(FlashSaleQuota.objects.values_list("bought", flat=True)) == [1] * 10


def test_one_member_racing_twelve_orders_gets_only_the_quota(shop):
    catalog = make_catalog(shop, tea_stock=30)
    sale = create_sale(shop, [catalog.tea], stock=20, per_member_limit=2, per_order_limit=1)
    buyer = make_buyer(shop, "13900000001")

    codes = race(lambda _n: buy(buyer, sale, catalog.tea).status_code, range(12))

    assert (codes.count(201), codes.count(409)) == (2, 10)
    assert held(shop, sale, buyer) == 2 and remaining(shop, sale) == 18
    assert in_shop(shop, lambda: Order.objects.count()) == 2 and stock_of(shop, catalog.tea) == 28


def test_cancels_racing_new_orders_keep_stock_and_quotas_exact(shop):
    """Half the buyers cancel (and their release is delivered) while the others buy: remaining always equals
    the flash stock minus the units in live orders, and nobody holds more than the quota."""
    from .conftest import deliver

    catalog = make_catalog(shop, tea_stock=40)
    sale = create_sale(shop, [catalog.tea], stock=6, per_member_limit=1)
    first = [make_buyer(shop, f"1370000{n:04d}") for n in range(6)]
    orders = [buy(buyer, sale, catalog.tea).json()["id"] for buyer in first]
    later = [make_buyer(shop, f"1360000{n:04d}") for n in range(12)]

    def act(job):
        kind, who = job
        if kind == "cancel":
            buyer, order_id = who
            code = buyer.client.post(f"/api/v1/store/orders/{order_id}/cancel").status_code
            deliver(shop)
            return code
        return buy(who, sale, catalog.tea).status_code

    jobs = [("cancel", pair) for pair in zip(first[:3], orders[:3], strict=True)] + [("buy", b) for b in later]
    race(act, jobs)
    deliver(shop)

    with tenant_context(shop):
        live = Order.objects.filter(status="pending_payment").count()
        assert FlashSaleParticipation.objects.filter(status="placed").count() == live
        assert FlashSaleQuota.objects.filter(bought__gt=1).count() == 0
    assert remaining(shop, sale) == 6 - live >= 0
    assert live <= 6
