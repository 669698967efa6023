"""Properties: the split never creates or loses a fen, refunds never reverse more than was earned, and the
balances shown are exactly the ledger's sums."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenant_apps.distribution.split import BPS, pro_rata, split_commission

lines = st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, BPS)), min_size=1, max_size=12)


@given(lines)
def test_split_sums_to_the_floor_of_the_exact_total(rows):
    amounts = split_commission(rows)
    assert sum(amounts) == sum(base * rate for base, rate in rows) // BPS
    for (base, rate), amount in zip(rows, amounts, strict=True):
        assert base * rate // BPS <= amount <= base * rate // BPS + 1


def test_split_gives_the_leftover_fen_to_the_largest_remainder():
    assert split_commission([(333, 1000), (333, 1000), (334, 1000)]) == [33, 33, 34]
    assert split_commission([(12900, 250), (3550, 250)]) == [322, 89]
    assert split_commission([(1, 5000), (1, 5000)]) == [1, 0]  # tie: the earlier line


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=10), st.integers(0, 10**8), st.integers(1, 10**8))
def test_pro_rata_never_exceeds_and_full_is_exact(amounts, part, whole):
    reversed_ = pro_rata(amounts, part, whole)
    assert all(0 <= r <= a for r, a in zip(reversed_, amounts, strict=True))
    assert pro_rata(amounts, whole, whole) == amounts


def _ledger_matches(shop, ops):
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from tenant_apps.distribution import selectors, services
    from tenant_apps.distribution.models import CommissionEntry, Distributor, Withdrawal
    from tenant_apps.members.models import Member

    class Rollback(Exception):
        pass

    try:
        with tenant_context(shop), transaction.atomic():
            services.update_settings(
                enabled=True, levels=1, rates_bps=[1000], freeze_days=7, min_withdrawal_amount=1,
                self_purchase_commission=False, auto_approve=True,
            )  # fmt: skip
            seller = Member.objects.create(phone="13400000001", password="!")
            buyer = Member.objects.create(phone="13400000002", password="!")
            distributor = Distributor.objects.create(member=seller, code="PROP0001", status="approved")
            services.bind(member=buyer, code="PROP0001", source="register")
            for order_id, (bases, refunded_share, complete, withdraw) in enumerate(ops, start=1):
                payload = {
                    "order_id": order_id, "order_number": f"N{order_id}", "member_id": buyer.pk,
                    "lines": [{"order_line_id": i, "sku_id": i, "product_id": i, "quantity": 1, "total_amount": b}
                              for i, b in enumerate(bases, start=1)],
                }  # fmt: skip
                services.record_commission(payload=payload)
                if complete:
                    services.schedule_release(order_id=order_id, completed_at=timezone.now())
                    services.release_due(now=timezone.now() + timedelta(days=8))
                available = selectors.balances(distributor_id=distributor.pk).available_amount
                if withdraw and available >= 1:
                    services.request_withdrawal(member=seller, amount=available)
                refunded = sum(bases) * refunded_share // 4
                services.reverse_refund(payload={**payload, "refunded_amount": refunded})
            balances = selectors.balances(distributor_id=distributor.pk)
            ledger = sum(CommissionEntry.objects.filter(distributor=distributor).values_list("amount", flat=True))
            outs = sum(Withdrawal.objects.filter(distributor=distributor).values_list("amount", flat=True))
            assert balances.pending_amount + balances.available_amount + outs == ledger
            for parent in CommissionEntry.objects.filter(kind="commission"):
                reversed_total = -sum(parent.reversals.values_list("amount", flat=True))
                assert 0 <= reversed_total <= parent.amount
                assert parent.amount == sum(line["amount"] for line in parent.lines)
            raise Rollback
    except Rollback:
        pass


order_ops = st.lists(
    st.tuples(st.lists(st.integers(1, 10**6), min_size=1, max_size=4), st.integers(0, 4), st.booleans(), st.booleans()),
    min_size=1,
    max_size=4,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_ops)
def test_ledger_sums_equal_balances(shop_a, ops):
    _ledger_matches(shop_a, ops)
