"""Plans, the trial at signup, plan changes with proration, cancel at period end, bad input."""

from datetime import timedelta

from django.utils import timezone

from billing import services
from billing.models import Invoice, InvoiceLine, Plan, Subscription, SubscriptionChange
from shared_apps.tenancy.models import ShopMembership
from tests.factories import UserFactory

from .conftest import T0, api


def test_plans_are_seeded_and_listed_exactly_as_the_contract(db):
    response = api().get("/api/v1/billing/plans")

    assert response.status_code == 200
    plans = response.json()
    assert [p["code"] for p in plans] == [
        "basic-monthly",
        "basic-yearly",
        "pro-monthly",
        "pro-yearly",
        "flagship-monthly",
        "flagship-yearly",
    ]
    assert plans[0] == {
        "code": "basic-monthly",
        "name": "基础版",
        "interval": "month",
        "price_amount": 9900,
        "currency": "CNY",
        "technical_fee_bps": 60,
        "trial_days": 14,
    }
    assert [p["name"] for p in plans[2:6:2]] == ["专业版", "旗舰版"]
    english = api().get("/api/v1/billing/plans", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english[0]["name"] == "Basic"


def test_a_new_shop_starts_its_trial_and_the_owner_reads_it(trial_a, shop_a, owner_api):
    response = owner_api.get(f"/api/v1/shops/{shop_a.pk}/subscription")

    assert response.status_code == 200
    assert response.json() == {
        "plan": "basic-monthly",
        "status": "trialing",
        "current_period_end": timezone.localtime(T0 + timedelta(days=14)).isoformat(),
        "cancel_at_period_end": False,
    }
    assert trial_a.account.shop_id == shop_a.pk


def test_changing_plan_during_the_trial_switches_without_charging(trial_a, shop_a, owner_api):
    response = owner_api.post(
        f"/api/v1/shops/{shop_a.pk}/subscription", {"plan": "pro-monthly"}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["plan"] == "pro-monthly"
    assert response.json()["status"] == "trialing"
    assert not InvoiceLine.objects.exists()
    assert SubscriptionChange.objects.get().to_plan.code == "pro-monthly"


def test_an_upgrade_mid_period_prorates_to_the_fen(trial_a, shop_a):
    services.run_billing(now=T0 + timedelta(days=14, hours=1))  # trial over: active, first invoice
    subscription = Subscription.objects.get()
    start, end = subscription.current_period_start, subscription.current_period_end
    assert (end - start) == timedelta(days=31)  # 19 Jan -> 19 Feb
    halfway = start + timedelta(days=10)

    services.change_plan(shop=shop_a, plan_code="pro-monthly", now=halfway)

    pending = list(InvoiceLine.objects.filter(invoice__isnull=True).order_by("id").values_list("kind", "amount"))
    # 21 of 31 days left: -9900*21/31 = -6706.45 -> -6706; 29900*21/31 = 20254.84 -> 20255
    assert pending == [("proration", -6706), ("proration", 20255)]
    run = services.run_billing(now=end + timedelta(minutes=1))
    invoice = Invoice.objects.get(pk=run.invoices[0])
    assert [(line.position, line.kind, line.amount) for line in invoice.lines.all()] == [
        (1, "proration", -6706),
        (2, "proration", 20255),
        (3, "subscription", 29900),
    ]
    assert invoice.total_amount == 43449


def test_cancel_at_period_end_then_the_shop_closes_when_the_period_ends(trial_a, shop_a, owner_api, client_a):
    response = owner_api.post(
        f"/api/v1/shops/{shop_a.pk}/subscription",
        {"plan": "basic-monthly", "cancel_at_period_end": True},
        content_type="application/json",
    )
    assert response.json()["cancel_at_period_end"] is True

    run = services.run_billing(now=T0 + timedelta(days=14, minutes=1))

    assert run.canceled == [trial_a.pk]
    assert Subscription.objects.get().status == "canceled"
    shop_a.refresh_from_db()
    assert shop_a.status == "suspended"
    assert client_a.get("/api/v1/store/products").status_code == 423


def test_unknown_plan_is_400_and_nothing_changes(trial_a, shop_a, owner_api):
    for body in ({"plan": "platinum-monthly"}, {"plan": ""}, {}, {"plan": ["basic-monthly"]}):
        response = owner_api.post(f"/api/v1/shops/{shop_a.pk}/subscription", body, content_type="application/json")
        assert response.status_code == 400, body
        assert "plan" in response.json()["errors"]
    assert Subscription.objects.get().plan.code == "basic-monthly"
    assert not SubscriptionChange.objects.exists()


def test_downgrade_below_current_staff_seats_is_400(trial_a, shop_a, owner_api):
    services.change_plan(shop=shop_a, plan_code="pro-monthly", now=T0)
    for _ in range(3):  # owner + 3 = 4 seats, basic allows 3
        ShopMembership.objects.create(shop=shop_a, user=UserFactory(), role="staff")

    response = owner_api.post(
        f"/api/v1/shops/{shop_a.pk}/subscription", {"plan": "basic-monthly"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["plan"] == ["此套餐最多 3 个员工席位，店铺已使用 4 个。"]
    assert Subscription.objects.get().plan.code == "pro-monthly"


def test_a_downgrade_is_checked_against_every_limit_and_names_each_one(trial_a, shop_a, owner_api, monkeypatch):
    from tenant_apps.catalog import interface as catalog

    services.change_plan(shop=shop_a, plan_code="flagship-monthly", now=T0)
    for _ in range(3):  # owner + 3 = 4 seats, basic allows 3
        ShopMembership.objects.create(shop=shop_a, user=UserFactory(), role="staff")
    monkeypatch.setattr(catalog, "product_count", lambda: 501)  # basic allows 500
    before = list(Subscription.objects.values())

    for plan in ("basic-monthly", "basic-yearly"):
        response = owner_api.post(
            f"/api/v1/shops/{shop_a.pk}/subscription", {"plan": plan}, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["errors"]["plan"] == [
            "此套餐最多 3 个员工席位，店铺已使用 4 个。",
            "此套餐最多 500 个商品，店铺已有 501 个。",
        ]
    assert list(Subscription.objects.values()) == before
    assert SubscriptionChange.objects.count() == 1  # only the upgrade to flagship
    # within the limits (pro: 10 seats, 5,000 products) the downgrade goes through
    response = owner_api.post(
        f"/api/v1/shops/{shop_a.pk}/subscription", {"plan": "pro-monthly"}, content_type="application/json"
    )
    assert (response.status_code, Subscription.objects.get().plan.code) == (200, "pro-monthly")


def test_every_limit_a_plan_defines_is_checked_on_a_plan_change(db):
    limit_fields = {
        f.name
        for f in Plan._meta.get_fields()
        if f.name.startswith(("max_", "staff_", "limit_")) or f.name.endswith(("_limit", "_seats"))
    }
    assert limit_fields == {name for name, _usage, _message in services.PLAN_LIMITS}


def test_plan_names_are_translated_msgids(db):
    assert set(Plan.objects.values_list("name", flat=True)) == {"Basic", "Professional", "Flagship"}
