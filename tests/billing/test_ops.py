"""Operator API: is_staff only; shops with plan, status and GMV; suspend/resume with a reason (audited); revenue."""

from datetime import timedelta

import pytest

from billing import services
from billing.models import FeeEntry, ShopStatusChange
from tests.factories import UserFactory

from .conftest import T0, api


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True)


def test_non_operators_get_401_or_403_and_nothing_changes(shop_a, owner_a):
    for user, expected in ((None, 401), (owner_a, 403)):
        client = api(user)
        assert client.get("/api/v1/ops/shops").status_code == expected
        assert client.get("/api/v1/ops/revenue?month=2026-01").status_code == expected
        response = client.post(
            f"/api/v1/ops/shops/{shop_a.pk}/suspend", {"reason": "x"}, content_type="application/json"
        )
        assert response.status_code == expected
    shop_a.refresh_from_db()
    assert shop_a.status == "active"
    assert not ShopStatusChange.objects.exists()


def test_ops_shops_suspend_resume_audited(operator, shop_a, shop_b, trial_a, client_a):
    ops = api(operator)
    listed = ops.get("/api/v1/ops/shops").json()
    assert listed["count"] == 2
    assert listed["results"][0] == {
        "id": shop_a.pk,
        "subdomain": "alpha",
        "name": "Shop alpha",
        "status": "active",
        "plan": "basic-monthly",
        "subscription_status": "trialing",
        "gmv_amount_30d": 0,
    }
    assert ops.post(f"/api/v1/ops/shops/{shop_a.pk}/suspend", {}, content_type="application/json").status_code == 400
    suspended = ops.post(
        f"/api/v1/ops/shops/{shop_a.pk}/suspend",
        {"reason": "违规商品 prohibited goods"},
        content_type="application/json",
    )
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    assert client_a.get("/api/v1/store/products").status_code == 423
    assert [s["id"] for s in ops.get("/api/v1/ops/shops?status=suspended").json()["results"]] == [shop_a.pk]
    assert ops.get("/api/v1/ops/shops?status=weird").status_code == 400
    assert (
        ops.post(
            f"/api/v1/ops/shops/{shop_a.pk}/suspend", {"reason": "again"}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        ops.post("/api/v1/ops/shops/999999/suspend", {"reason": "x"}, content_type="application/json").status_code
        == 404
    )

    resumed = ops.post(f"/api/v1/ops/shops/{shop_a.pk}/resume", {"reason": "整改完成"}, content_type="application/json")
    assert resumed.json()["status"] == "active"
    assert client_a.get("/api/v1/store/products").status_code == 200
    audit = list(ShopStatusChange.objects.order_by("at", "id").values_list("action", "source", "reason", "by_id"))
    assert audit == [
        ("suspend", "operator", "违规商品 prohibited goods", operator.pk),
        ("resume", "operator", "整改完成", operator.pk),
    ]


def test_revenue_of_a_month(operator, shop_a, trial_a):
    FeeEntry.objects.create(
        shop=shop_a,
        event_id="00000000-0000-0000-0000-000000000001",
        event_name="order.paid",
        order_id=1,
        gmv_amount=100_000,
        technical_fee_bps=60,
        fee_amount=600,
        occurred_at=T0 + timedelta(days=20),
    )
    FeeEntry.objects.create(
        shop=shop_a,
        event_id="00000000-0000-0000-0000-000000000002",
        event_name="order.paid",
        order_id=2,
        gmv_amount=50_000,
        technical_fee_bps=60,
        fee_amount=300,
        collected_by_stripe=True,
        occurred_at=T0 + timedelta(days=21),
    )
    services.run_billing(now=T0 + timedelta(days=14, hours=1))  # January invoice: the subscription line

    january = api(operator).get("/api/v1/ops/revenue?month=2026-01")

    assert january.status_code == 200
    assert january.json() == {
        "subscriptions_amount": 9_900,
        "technical_fees_amount": 300,  # Stripe application fees; the 600 is invoiced in February
        "gmv_amount": 150_000,
        "currency": "CNY",
    }
    for bad in ("2026-13", "2026-1", "jan", ""):
        assert api(operator).get(f"/api/v1/ops/revenue?month={bad}").status_code == 400
