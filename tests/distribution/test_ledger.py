"""The commission ledger, driven by order events only: a 3-level chain with shipping, completion + freeze,
withdrawal, a partial refund after withdrawal (negative balance), a later order offsetting it, a full refund."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.distribution import selectors, services
from tenant_apps.distribution.models import CommissionEntry

from .conftest import buy, complete, distributor, drain, in_shop, me, member, refund


def amounts(shop, order_id):
    rows = CommissionEntry.objects.filter(order_id=order_id, kind="commission").order_by("level")
    return in_shop(shop, lambda: [(r.level, r.distributor.code, r.base_amount, r.amount, r.status) for r in rows])


def test_three_level_chain_with_shipping_and_partial_refund_after_withdrawal(dist_a, catalog_a, manager_a):
    a, code_a = distributor(dist_a, "13100000001")
    b, code_b = distributor(dist_a, "13100000002", ref=code_a)
    c, code_c = distributor(dist_a, "13100000003", ref=code_b)
    d = member(dist_a, "13100000004", ref=code_c)

    order = buy(dist_a, d, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1))  # 12900 + 3550 goods, 1000 shipping

    assert (order["shipping_amount"], order["total_amount"]) == (1000, 17450)
    # Base = goods paid (16450), shipping excluded. L1 10%: 1290+355. L2 5%: 645+177 (177.5 floored; total
    # floor(822.5)=822). L3 2.5%: 322.5->322 and 88.75->88 leave one fen: the larger remainder (cup) gets it.
    assert amounts(dist_a, order["id"]) == [
        (1, code_c, 16450, 1645, "pending"), (2, code_b, 16450, 822, "pending"), (3, code_a, 16450, 411, "pending"),
    ]  # fmt: skip
    l3 = in_shop(dist_a, lambda: CommissionEntry.objects.get(order_id=order["id"], level=3).lines)
    assert [line["amount"] for line in l3] == [322, 89]
    assert me(c)["balances"] == {
        "pending_amount": 1645, "available_amount": 0, "withdrawn_amount": 0,
    }  # fmt: skip

    complete(dist_a, d, order["id"])
    assert in_shop(dist_a, lambda: services.release_due(now=timezone.now())) == 0  # still frozen 7 days
    assert in_shop(dist_a, lambda: services.release_due(now=timezone.now() + timedelta(days=7, minutes=1))) == 3

    withdrawal = c.client.post(
        "/api/v1/store/distribution/withdrawals", {"amount": 1645}, content_type="application/json"
    )
    assert (withdrawal.status_code, withdrawal.json()["status"]) == (201, "requested")
    approved = manager_a.post(
        f"/api/v1/manage/distribution/withdrawals/{withdrawal.json()['id']}/approve",
        {"transfer_reference": "WX-2026-0001"}, content_type="application/json",
    )  # fmt: skip
    assert (approved.status_code, approved.json()["status"]) == (200, "paid")
    assert me(c)["balances"] == {"pending_amount": 0, "available_amount": 0, "withdrawn_amount": 1645}

    refund(dist_a, order["id"], 8225)  # half the goods: each line's commission halved, floored per line

    assert me(c)["balances"] == {"pending_amount": 0, "available_amount": -822, "withdrawn_amount": 1645}  # 645+177
    assert me(b)["balances"]["available_amount"] == 822 - 410  # 322 + 88
    assert me(a)["balances"]["available_amount"] == 411 - 205  # 161 + 44

    second = buy(dist_a, d, (catalog_a.cup.pk, 1))
    assert me(c)["balances"] == {"pending_amount": 355, "available_amount": -822, "withdrawn_amount": 1645}
    complete(dist_a, d, second["id"])
    in_shop(dist_a, lambda: services.release_due(now=timezone.now() + timedelta(days=8)))
    assert me(c)["balances"]["available_amount"] == -467  # later commission offsets the debt

    refund(dist_a, order["id"], 17450)  # everything, shipping included: every fen of the first order reversed
    refund(dist_a, order["id"], 17450)  # a repeated event changes nothing
    for buyer, earned in ((c, 1645), (b, 822), (a, 411)):
        reversed_total = in_shop(dist_a, lambda buyer=buyer: sum(
            CommissionEntry.objects.filter(order_id=order["id"], kind="reversal", distributor__member=buyer.member)
            .values_list("amount", flat=True)))  # fmt: skip
        assert reversed_total == -earned
    assert me(c)["balances"]["available_amount"] == 355 - 1645
    commissions = c.client.get("/api/v1/store/distribution/commissions").json()
    assert {(row["order_number"], row["level"], row["amount"], row["status"]) for row in commissions} >= {
        (order["number"], 1, 1645, "withdrawn"), (second["number"], 1, 355, "available"),
    }  # fmt: skip


def test_no_binding_no_commission_and_self_purchase(dist_a, catalog_a):
    lone = member(dist_a, "13100000010")
    order = buy(dist_a, lone, (catalog_a.cup.pk, 1))
    assert amounts(dist_a, order["id"]) == []

    seller, code = distributor(dist_a, "13100000011")
    own = buy(dist_a, seller, (catalog_a.cup.pk, 1))
    assert amounts(dist_a, own["id"]) == []  # self-purchase off

    from .conftest import configure

    configure(dist_a, self_purchase_commission=True)
    own = buy(dist_a, seller, (catalog_a.cup.pk, 1))
    assert amounts(dist_a, own["id"]) == [(1, code, 3550, 355, "pending")]


def test_paid_event_delivered_twice_records_once(dist_a, catalog_a):
    _, code = distributor(dist_a, "13100000020")
    buyer = member(dist_a, "13100000021", ref=code)
    order = buy(dist_a, buyer, (catalog_a.tea.pk, 2))
    from tenant_apps.events.models import OutboxEvent

    event = in_shop(dist_a, lambda: OutboxEvent.objects.get(name="order.paid", payload__order_id=order["id"]))
    in_shop(dist_a, lambda: services.record_commission(payload=event.payload))
    assert drain(dist_a) == 0
    assert amounts(dist_a, order["id"]) == [(1, code, 25800, 2580, "pending")]


def test_product_and_sku_overrides_and_tier_rates(dist_a, catalog_a):
    _, code = distributor(dist_a, "13100000030")
    buyer = member(dist_a, "13100000031", ref=code)
    in_shop(dist_a, lambda: services.set_rate_override(product_id=catalog_a.tea.product_id, rates_bps=[2000, 0, 0]))
    in_shop(dist_a, lambda: services.set_rate_override(sku_id=catalog_a.cup.pk, rates_bps=[3000, 0, 0]))
    order = buy(dist_a, buyer, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1))
    assert amounts(dist_a, order["id"])[0][3] == 2580 + 1065


def test_balances_are_the_ledger_sums(dist_a, catalog_a):
    _, code = distributor(dist_a, "13100000040")
    buyer = member(dist_a, "13100000041", ref=code)
    buy(dist_a, buyer, (catalog_a.tea.pk, 1))
    dist = in_shop(dist_a, lambda: selectors.distributor_by_code(code))
    balances = in_shop(dist_a, lambda: selectors.balances(distributor_id=dist.pk))
    ledger = in_shop(
        dist_a, lambda: sum(CommissionEntry.objects.filter(distributor=dist).values_list("amount", flat=True))
    )
    assert balances.pending_amount + balances.available_amount + balances.withdrawn_amount == ledger == 1290


def test_tiers_upgrade_on_sales_or_team_size_and_their_rates_apply(dist_a, catalog_a):
    from tenant_apps.distribution.models import Tier

    def tiers():
        Tier.objects.create(name="普通", rank=0)
        Tier.objects.create(name="银牌", rank=1, min_team_size=2, rates_bps=[1500, 500, 250])
        Tier.objects.create(name="金牌", rank=2, min_sales_amount=50000, rates_bps=[2000, 500, 250])

    in_shop(dist_a, tiers)
    seller, code = distributor(dist_a, "13100000050")
    assert me(seller)["tier"] == "普通"
    first = member(dist_a, "13100000051", ref=code)
    member(dist_a, "13100000052", ref=code)

    assert in_shop(dist_a, services.upgrade_tiers) == 1
    assert me(seller)["tier"] == "银牌"
    order = buy(dist_a, first, (catalog_a.tea.pk, 1))
    assert amounts(dist_a, order["id"])[0][3] == 1935  # 15 % of 12900

    in_shop(dist_a, services.upgrade_tiers)
    assert me(seller)["tier"] == "银牌"  # 12900 of sales < 50000
    buy(dist_a, first, (catalog_a.tea.pk, 3))  # 38700 more: 51600 in all
    assert in_shop(dist_a, services.upgrade_tiers) == 1
    assert me(seller)["tier"] == "金牌"


def test_cancellation_voids_pending_commission(dist_a, catalog_a):
    from django.db import transaction

    from tenant_apps.orders.events import CANCELLED, publish_order_event
    from tenant_apps.orders.models import Order

    seller, code = distributor(dist_a, "13100000060")
    buyer = member(dist_a, "13100000061", ref=code)
    order = buy(dist_a, buyer, (catalog_a.cup.pk, 1))

    def cancel():
        with transaction.atomic():
            publish_order_event(CANCELLED, Order.objects.get(pk=order["id"]), reason="merchant")

    in_shop(dist_a, cancel)
    drain(dist_a)
    assert amounts(dist_a, order["id"]) == [(1, code, 3550, 355, "reversed")]
    assert me(seller)["balances"]["pending_amount"] == 0
