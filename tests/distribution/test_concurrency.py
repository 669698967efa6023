"""Concurrent withdrawals against the real database: the row lock on the distributor means the sum of
accepted requests never exceeds what was available."""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from micromall.errors import Invalid
from tenant_apps.distribution import selectors, services
from tenant_apps.distribution.models import CommissionEntry, DistributionSettings, Distributor, Withdrawal
from tenant_apps.members.models import Member


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_never_exceed_available(shop):
    with tenant_context(shop):
        DistributionSettings.objects.create(pk=1, enabled=True, levels=1, rates_bps=[1000], min_withdrawal_amount=100)
        seller = Member.objects.create(phone="13300000001", password="!")
        distributor = Distributor.objects.create(member=seller, code="RACE0001", status="approved")
        CommissionEntry.objects.create(
            distributor=distributor, order_id=1, order_number="N1", buyer_id=seller.pk, level=1,
            base_amount=10000, rate_bps=1000, amount=1000, status="available", available_at=timezone.now(),
        )  # fmt: skip
    accepted, refused, barrier = [], [], threading.Barrier(6)

    def request():
        try:
            with tenant_context(shop):
                barrier.wait()
                try:
                    accepted.append(services.request_withdrawal(member=seller, amount=300).pk)
                except Invalid:
                    refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(accepted), len(refused)) == (3, 3)  # 3 x 300 <= 1000 < 4 x 300
    with tenant_context(shop):
        assert Withdrawal.objects.count() == 3
        assert selectors.balances(distributor_id=distributor.pk).available_amount == 100
