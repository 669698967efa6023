"""Operator API and console: operator staff only (the "operator" group, not superusers); shops with plan, status
and GMV; suspend/resume with a reason (audited); revenue."""

from datetime import timedelta

import pytest
from django.test import Client

from billing import services
from billing.models import FeeEntry, Invoice, ShopStatusChange
from billing.services.operators import ensure_operator_group, make_operators
from tests.factories import UserFactory

from .conftest import T0, api


@pytest.fixture
def operator(db):
    """A staff account in the operator group, not a superuser."""
    user = UserFactory(is_staff=True)
    user.groups.add(ensure_operator_group())
    return user


def test_non_operators_get_401_or_403_and_nothing_changes(shop_a, owner_a):
    staff_without_group = UserFactory(is_staff=True)
    for user, expected in ((None, 401), (owner_a, 403), (staff_without_group, 403)):
        client = api(user)
        assert client.get("/api/v1/ops/shops").status_code == expected
        assert client.get("/api/v1/ops/revenue?month=2026-01").status_code == expected
        response = client.post(
            f"/api/v1/ops/shops/{shop_a.pk}/suspend", {"reason": "x"}, content_type="application/json"
        )
        assert response.status_code == expected
        assert client.post("/api/v1/ops/invoices/1/mark-paid").status_code == expected
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


def console(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def test_the_operator_console_works_for_an_operator_who_is_not_a_superuser(operator, shop_a, trial_a):
    run = services.run_billing(now=T0 + timedelta(days=14, hours=1))
    invoice = Invoice.objects.get(pk=run.invoices[0])
    admin = console(operator)
    for url in (
        "/admin/",
        "/admin/billing/invoice/",
        f"/admin/billing/invoice/{invoice.pk}/change/",
        f"/admin/billing/invoice/{invoice.pk}/print/",
        "/admin/billing/invoice/revenue/?month=2026-01",
        "/admin/billing/plan/",
        "/admin/billing/subscription/",
        "/admin/billing/feeentry/",
        "/admin/billing/stripeevent/",
        "/admin/billing/shopstatuschange/",
        "/admin/tenancy/shop/",
        "/admin/agencies/agency/",
    ):
        assert admin.get(url).status_code == 200, url
    # the actions: mark paid, suspend with a reason (audited)
    response = admin.post(
        "/admin/billing/invoice/", {"action": "mark_paid", "_selected_action": [invoice.pk]}, follow=True
    )
    assert response.status_code == 200
    invoice.refresh_from_db()
    assert (invoice.status, invoice.marked_paid_by_id) == ("paid", operator.pk)
    admin.post(
        "/admin/tenancy/shop/",
        {"action": "suspend", "_selected_action": [shop_a.pk], "apply": "1", "reason": "违规商品"},
    )
    shop_a.refresh_from_db()
    assert shop_a.status == "suspended"
    assert ShopStatusChange.objects.get().by_id == operator.pk


def test_staff_outside_the_operator_group_get_403_in_the_console(shop_a, trial_a):
    run = services.run_billing(now=T0 + timedelta(days=14, hours=1))
    invoice_id = run.invoices[0]
    admin = console(UserFactory(is_staff=True))
    for url in (
        "/admin/billing/invoice/",
        "/admin/billing/invoice/revenue/?month=2026-01",
        "/admin/tenancy/shop/",
        "/admin/billing/plan/",
    ):
        assert admin.get(url).status_code == 403, url
    assert admin.get(f"/admin/billing/invoice/{invoice_id}/print/").status_code in (403, 404)
    admin.post("/admin/billing/invoice/", {"action": "mark_paid", "_selected_action": [invoice_id]})
    admin.post(
        "/admin/tenancy/shop/", {"action": "suspend", "_selected_action": [shop_a.pk], "apply": "1", "reason": "x"}
    )
    assert Invoice.objects.get(pk=invoice_id).status == "open"
    shop_a.refresh_from_db()
    assert shop_a.status == "active" and not ShopStatusChange.objects.exists()


def test_the_operator_group_command_makes_operators(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    user = UserFactory(email="ops@example.com")
    call_command("operator_group", "--add", "OPS@example.com", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("billing.mark_invoice_paid") and user.has_perm("billing.suspend_shop")
    with pytest.raises(CommandError):
        call_command("operator_group", "--add", "nobody@example.com")
    assert make_operators([]) == []
