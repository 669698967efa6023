"""Printable invoice (zh-Hans, 元) in the operator admin and the shop back office; the revenue report page;
every signup starts a trial."""

from datetime import timedelta

from django.test import Client

from billing import services
from billing.models import Invoice, Plan, Subscription
from tests.conftest import staff_of
from tests.factories import UserFactory

from .conftest import T0


def issued_invoice() -> Invoice:
    run = services.run_billing(now=T0 + timedelta(days=14, hours=1))
    return Invoice.objects.get(pk=run.invoices[0])


def test_printable_invoice_for_the_operator_and_the_shop(trial_a, shop_a, owner_a, shop_b):
    invoice = issued_invoice()
    operator = Client(HTTP_HOST="localhost")
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = operator.get(f"/admin/billing/invoice/{invoice.pk}/print/")

    assert page.status_code == 200
    body = page.content.decode()
    assert f"账单 {invoice.number}" in body
    assert "金额（元）" in body and "¥99.00" in body
    assert "Shop alpha 的基础版（按月）" in body

    shop_staff = Client(HTTP_HOST="alpha.localhost")
    shop_staff.force_login(owner_a)
    assert shop_staff.get(f"/admin/billing/billingpage/invoice/{invoice.pk}/").status_code == 200
    # another shop's back office does not find it
    other = Client(HTTP_HOST="beta.localhost")
    other.force_login(staff_of(shop_b))
    assert other.get(f"/admin/billing/billingpage/invoice/{invoice.pk}/").status_code == 404


def test_revenue_report_page_draws_the_chart(trial_a):
    issued_invoice()
    operator = Client(HTTP_HOST="localhost")
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = operator.get("/admin/billing/invoice/revenue/?month=2026-02")

    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<polyline" in body
    assert "2026-01" in body and "¥99.00" in body  # January's subscription line
    assert "cdn" not in body.lower()


def test_signup_starts_the_default_trial(platform_client, db, settings):
    from shared_apps.gallery.services import sync_templates
    from shared_apps.tenancy.signup import sign_up

    sync_templates()
    result = sign_up(
        email="trial@example.com",
        password="Plum-Blossom-2026",
        shop_name="试用",
        subdomain="trialshop",
        template="classic",
    )

    subscription = Subscription.objects.get(shop=result.shop)
    assert (subscription.plan.code, subscription.status) == ("basic-monthly", "trialing")
    assert subscription.trial_end - subscription.current_period_start == timedelta(days=14)


def test_operator_plan_screen_saves_through_the_service(db):
    plan = Plan.objects.get(code="basic-monthly")
    Plan.objects.filter(pk=plan.pk).update(stripe_price_id="price_old")
    operator = Client(HTTP_HOST="localhost")
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = {
        field: getattr(plan, field)
        for field in ("code", "tier", "rank", "name", "interval", "currency", "trial_days", "staff_seats")
    }
    form |= {"max_products": plan.max_products, "is_active": "on"}

    refused = operator.post(
        f"/admin/billing/plan/{plan.pk}/change/", {**form, "price_amount": 9900, "technical_fee_bps": 10001}
    )
    assert refused.status_code == 200  # the form comes back with the service's field error
    assert Plan.objects.get(pk=plan.pk).technical_fee_bps == 60

    saved = operator.post(
        f"/admin/billing/plan/{plan.pk}/change/", {**form, "price_amount": 12900, "technical_fee_bps": 50}
    )
    assert saved.status_code == 302
    plan.refresh_from_db()
    assert (plan.price_amount, plan.technical_fee_bps, plan.stripe_price_id) == (12900, 50, "")  # a new Stripe Price
