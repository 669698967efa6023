"""Shop rules end to end: the freeze never shorter than orders' return window; the release and tier beats as
Celery runs them (fanned out per shop); SKU over product over tier over shop rates at every level; the
compliance export (rules in force and the period's payouts) from the back office."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.distribution import services, tasks
from tenant_apps.distribution.models import CommissionEntry, DistributionSettings, ReleaseSchedule, Tier, Withdrawal
from tenant_apps.orders import services as order_services
from tenant_apps.orders.models import Order

from .conftest import RATES, buy, complete, configure, distributor, in_shop, me, member

SETTINGS = {
    "enabled": True, "levels": 3, "rates_bps": RATES, "freeze_days": 7, "min_withdrawal_amount": 100,
    "self_purchase_commission": False, "auto_approve": True,
}  # fmt: skip


def test_freeze_days_below_the_return_window_are_refused(dist_a, manager_a):
    in_shop(dist_a, lambda: order_services.update_order_settings(return_window_days=10))
    refused = manager_a.put("/api/v1/manage/distribution/settings", SETTINGS, content_type="application/json")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["freeze_days"]
    assert "10" in refused.json()["errors"]["freeze_days"][0]
    assert in_shop(dist_a, lambda: DistributionSettings.objects.get().freeze_days) == 7  # unchanged
    ok = manager_a.put(
        "/api/v1/manage/distribution/settings", {**SETTINGS, "freeze_days": 10}, content_type="application/json"
    )
    assert (ok.status_code, ok.json()["freeze_days"]) == (200, 10)


def test_back_office_settings_show_the_refusal_on_the_field(dist_a, owner_a):
    from tests.conftest import host_client

    in_shop(dist_a, lambda: order_services.update_order_settings(return_window_days=15))
    client = host_client(dist_a)
    client.force_login(owner_a)
    page = client.post(
        "/admin/distribution/distributionsettings/1/change/",
        {**SETTINGS, "rates_bps": "[1000, 500, 250]", "min_withdrawal_amount": "1.00", "freeze_days": 8},
    )
    assert page.status_code == 200  # the form again, not a redirect
    assert page.context["adminform"].form.errors.get("freeze_days")
    assert in_shop(dist_a, lambda: DistributionSettings.objects.get().freeze_days) == 7


def test_the_effective_freeze_is_the_longer_of_the_two(dist_a, catalog_a):
    """Freeze 7 days was set; the merchant later allows returns for 15: commission waits 15 days."""
    _, code = distributor(dist_a, "13900000001")
    buyer = member(dist_a, "13900000002", ref=code)
    in_shop(dist_a, lambda: order_services.update_order_settings(return_window_days=15))
    order = buy(dist_a, buyer, (catalog_a.tea.pk, 1))
    complete(dist_a, buyer, order["id"])

    completed_at = in_shop(dist_a, lambda: Order.objects.get(pk=order["id"]).completed_at)
    due = in_shop(dist_a, lambda: ReleaseSchedule.objects.get(order_id=order["id"]).due_at)
    assert timedelta(days=15) <= due - completed_at < timedelta(days=15, minutes=1)
    assert in_shop(dist_a, lambda: services.release_due(now=completed_at + timedelta(days=8))) == 0
    assert in_shop(dist_a, lambda: services.release_due(now=due)) == 1
    assert in_shop(dist_a, lambda: ReleaseSchedule.objects.filter(order_id=order["id"]).exists()) is False
    entry = in_shop(dist_a, lambda: CommissionEntry.objects.get(order_id=order["id"]))
    assert (entry.status, entry.available_at) == ("available", due)


def test_release_in_batches_reaches_every_due_order_and_nothing_else(dist_a):
    """Batches of 2 over 5 due orders and 1 not yet due (order ids with gaps): 5 released, 1 left."""
    seller, _code = distributor(dist_a, "13900000011")
    now = timezone.now()

    def seed():
        d = seller.member.distributor
        for order_id, days in ((3, -2), (10, -1), (11, -1), (40, -3), (41, 1), (99, -1)):
            for level, amount in ((1, 100), (2, 50)):
                CommissionEntry.objects.create(
                    distributor=d, order_id=order_id, order_number=f"N{order_id}", buyer_id=1, level=level,
                    base_amount=1000, rate_bps=1000, amount=amount, available_at=now + timedelta(days=days),
                )  # fmt: skip
            ReleaseSchedule.objects.create(order_id=order_id, due_at=now + timedelta(days=days))
        return services.release_due(now=now, batch=2)

    assert in_shop(dist_a, seed) == 10
    assert in_shop(dist_a, lambda: list(ReleaseSchedule.objects.values_list("order_id", flat=True))) == [41]
    assert in_shop(dist_a, lambda: sorted(set(
        CommissionEntry.objects.filter(status="pending").values_list("order_id", flat=True)))) == [41]  # fmt: skip
    assert me(seller)["balances"] == {"pending_amount": 150, "available_amount": 750, "withdrawn_amount": 0}


def test_beats_fan_out_to_every_shop(dist_a, dist_b, catalog_a, celery_eager):
    def tiers():
        Tier.objects.create(name="普通", rank=0)
        Tier.objects.create(name="银牌", rank=1, min_team_size=1)

    in_shop(dist_a, tiers)
    seller, code = distributor(dist_a, "13900000021")
    buyer = member(dist_a, "13900000022", ref=code)
    order = buy(dist_a, buyer, (catalog_a.tea.pk, 1))
    complete(dist_a, buyer, order["id"])
    in_shop(dist_a, lambda: ReleaseSchedule.objects.update(due_at=timezone.now() - timedelta(seconds=1)))

    assert tasks.release_all_shops() >= 2  # one task per shop schema
    assert tasks.upgrade_all_shops() >= 2
    assert me(seller)["tier"] == "银牌"
    assert me(seller)["balances"]["available_amount"] == 1290


def test_sku_beats_product_beats_tier_beats_shop_at_every_level(dist_a, catalog_a):
    in_shop(dist_a, lambda: Tier.objects.create(name="金牌", rank=0, rates_bps=[1500, 800, 400]))
    _, top = distributor(dist_a, "13900000031")  # gets the tier (lowest rank) on applying
    _, mid = distributor(dist_a, "13900000032", ref=top)
    buyer = member(dist_a, "13900000033", ref=mid)

    def overrides():
        services.set_rate_override(product_id=catalog_a.tea.product_id, rates_bps=[2000, 1000, 0])
        services.set_rate_override(sku_id=catalog_a.tea.pk, rates_bps=[3000, 1200, 0])  # same product: SKU wins
        services.set_rate_override(product_id=catalog_a.cup.product_id, rates_bps=[500, 100, 0])

    in_shop(dist_a, overrides)
    order = buy(dist_a, buyer, (catalog_a.tea.pk, 1), (catalog_a.cup.pk, 1))
    rows = in_shop(dist_a, lambda: [
        (e.level, [line["rate_bps"] for line in e.lines], e.amount)
        for e in CommissionEntry.objects.filter(order_id=order["id"]).order_by("level")])  # fmt: skip
    # L1 (mid): tea SKU 30 % of 12900 = 3870, cup product 5 % of 3550 = 177.5 -> 177 (floor of the total 4047.5).
    # L2 (top): tea SKU 12 % = 1548, cup product 1 % = 35.5 -> 35.
    assert rows == [(1, [3000, 500], 3870 + 177), (2, [1200, 100], 1548 + 35)]

    def drop_overrides():
        from tenant_apps.distribution.models import RateOverride

        services.delete_rate_overrides(override_ids=list(RateOverride.objects.values_list("pk", flat=True)))

    in_shop(dist_a, drop_overrides)
    second = buy(dist_a, buyer, (catalog_a.tea.pk, 1))
    rates = in_shop(dist_a, lambda: [e.rate_bps for e in CommissionEntry.objects.filter(order_id=second["id"])
                                     .order_by("level")])  # fmt: skip
    assert rates == [1500, 800]  # both distributors hold the tier: its rates replace the shop's 10 % / 5 %


def test_compliance_export_lists_the_rules_and_the_periods_payouts(dist_a, owner_a, manager_a, stripe_fake):
    from tests.conftest import host_client

    configure(dist_a, levels=2, rates_bps=[1200, 300], freeze_days=9)
    seller, code = distributor(dist_a, "13900000041")

    def seed():
        d = seller.member.distributor
        CommissionEntry.objects.create(
            distributor=d, order_id=1, order_number="N1", buyer_id=1, level=1, base_amount=100000, rate_bps=1200,
            amount=12000, status="available", available_at=timezone.now(),
        )  # fmt: skip
        services.set_payout_account(distributor_id=d.pk, stripe_account_id="acct_1Compliance")
        old = Withdrawal.objects.create(distributor=d, amount=100, status="paid", transfer_reference="OLD-1",
                                        decided_at=timezone.now() - timedelta(days=40))  # fmt: skip
        return old

    in_shop(dist_a, seed)
    manual = seller.client.post("/api/v1/store/distribution/withdrawals", {"amount": 3000},
                                content_type="application/json").json()["id"]  # fmt: skip
    by_stripe = seller.client.post("/api/v1/store/distribution/withdrawals", {"amount": 2000},
                                   content_type="application/json").json()["id"]  # fmt: skip
    manager_a.post(f"/api/v1/manage/distribution/withdrawals/{manual}/approve", {"transfer_reference": "=BANK-7"},
                   content_type="application/json")  # fmt: skip
    manager_a.post(f"/api/v1/manage/distribution/withdrawals/{by_stripe}/approve", {}, content_type="application/json")
    [transfer] = stripe_fake.objects_of("transfer")

    client = host_client(dist_a)
    client.force_login(owner_a)
    export = client.post("/admin/distribution/withdrawal/", {"action": "compliance_export", "_selected_action": [
        str(manual)]})  # fmt: skip
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert "Levels,2" in lines or "层级数,2" in lines
    assert any(line.endswith(",1200 / 300") for line in lines)
    assert any(line.endswith(",9") for line in lines)  # the freeze in force
    assert sum(line.endswith(",0") for line in lines) >= 2  # entry fee 0, recruitment bonus 0
    assert f"{manual},{code},30.00,paid,manual,'=BANK-7" in text  # a formula-looking reference is escaped
    assert f"{by_stripe},{code},20.00,paid,stripe,{transfer['id']}" in text
    assert "OLD-1" not in text  # decided 40 days ago: outside the period


def test_a_late_paid_event_is_released_with_its_order(dist_a, catalog_a):
    """order.paid's handler failed and is retried after order.completed was handled: the entries still get the
    order's due date and are released with it."""
    from tenant_apps.events.models import OutboxEvent

    _, code = distributor(dist_a, "13900000051")
    buyer = member(dist_a, "13900000052", ref=code)
    order = buy(dist_a, buyer, (catalog_a.tea.pk, 1))
    payload = in_shop(dist_a, lambda: OutboxEvent.objects.get(name="order.paid", payload__order_id=order["id"]).payload)
    in_shop(dist_a, lambda: CommissionEntry.objects.filter(order_id=order["id"]).delete())  # as if never handled
    complete(dist_a, buyer, order["id"])
    due = in_shop(dist_a, lambda: ReleaseSchedule.objects.get(order_id=order["id"]).due_at)

    assert in_shop(dist_a, lambda: services.record_commission(payload=payload)) == 1  # the retry
    assert in_shop(dist_a, lambda: CommissionEntry.objects.get(order_id=order["id"]).available_at) == due
    assert in_shop(dist_a, lambda: services.release_due(now=due)) == 1


def test_tier_sales_are_net_of_refunds(dist_a, catalog_a):
    """Reversal rows carry the refunded base (their bases add up to the refunded total), and tier sales count
    level-1 bases net of them: 12900 sold, 6450 then all of it refunded."""
    from .conftest import refund

    def tiers():
        Tier.objects.create(name="普通", rank=0)
        Tier.objects.create(name="银牌", rank=1, min_sales_amount=10000)

    in_shop(dist_a, tiers)
    seller, code = distributor(dist_a, "13900000061")
    buyer = member(dist_a, "13900000062", ref=code)
    order = buy(dist_a, buyer, (catalog_a.tea.pk, 1))

    refund(dist_a, order["id"], 6450)
    bases = in_shop(dist_a, lambda: list(CommissionEntry.objects.filter(order_id=order["id"], kind="reversal")
                                         .values_list("base_amount", flat=True)))  # fmt: skip
    assert bases == [-6450]
    assert in_shop(dist_a, services.upgrade_tiers) == 0  # 12900 - 6450 < 10000
    refund(dist_a, order["id"], 13900)  # the rest, shipping included
    bases = in_shop(dist_a, lambda: sorted(CommissionEntry.objects.filter(order_id=order["id"], kind="reversal")
                                           .values_list("base_amount", flat=True)))  # fmt: skip
    assert sum(bases) == -12900
    assert me(seller)["tier"] == "普通"

    second = buy(dist_a, buyer, (catalog_a.tea.pk, 1))
    assert second["status"] == "paid"
    assert in_shop(dist_a, services.upgrade_tiers) == 1  # 12900 net now
    assert me(seller)["tier"] == "银牌"
