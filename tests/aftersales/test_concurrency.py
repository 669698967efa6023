"""Races on the real database (threads, committed transactions): one refund per request, no unit claimed twice."""

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.services import issue_token
from tenant_apps.events.models import OutboxEvent
from tenant_apps.orders.models import AfterSale, Order, Refund
from tests.committed import race
from tests.conftest import host_client, staff_of
from tests.orders.conftest import make_buyer, make_catalog

from .conftest import ask, decide, paid_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_approvals_refund_once(shop, settings):
    settings.DEBUG = True
    catalog = make_catalog(shop)
    buyer = make_buyer(shop, "13900000003")
    order = paid_order(buyer, (catalog.tea.pk, 2))
    aftersale = ask(buyer, order["id"], "refund", (order["lines"][0]["id"], 1)).json()
    managers = [host_client(shop, issue_token(user=staff_of(shop))) for _ in range(4)]

    codes = race(lambda manager: decide(manager, aftersale["id"], "approve").status_code, managers)

    assert sorted(codes) == [200, 409, 409, 409]
    with tenant_context(shop):
        assert Order.objects.get().refunded_amount == 12900
        assert list(Refund.objects.values_list("amount", "status")) == [(12900, "succeeded")]
        assert OutboxEvent.objects.filter(name="order.refunded").count() == 1


def test_parallel_requests_never_claim_a_unit_twice(shop, settings):
    settings.DEBUG = True
    catalog = make_catalog(shop)
    buyer = make_buyer(shop, "13900000004")
    order = paid_order(buyer, (catalog.tea.pk, 2))
    line_id = order["lines"][0]["id"]

    codes = race(lambda _: ask(buyer, order["id"], "refund", (line_id, 1)).status_code, range(5))

    assert sorted(codes) == [201, 201, 400, 400, 400]
    with tenant_context(shop):
        assert sorted(AfterSale.objects.values_list("refund_amount", flat=True)) == [12900, 12900]
