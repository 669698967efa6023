"""A whole billing life in offline mode with injected time: trial -> active -> failed payment -> past_due ->
suspended -> paid -> active; an operator's suspension is not lifted by a payment."""

from datetime import timedelta

from billing import services
from billing.models import Invoice, ShopStatusChange, Subscription

from .conftest import T0


def status(shop_a, owner_api) -> str:
    return owner_api.get(f"/api/v1/shops/{shop_a.pk}/subscription").json()["status"]


def test_trial_active_failed_past_due_suspended_paid_active(trial_a, shop_a, owner_api, client_a, settings):
    settings.BILLING_INVOICE_DUE_DAYS, settings.BILLING_GRACE_DAYS = 7, 5
    assert status(shop_a, owner_api) == "trialing"

    # day 14: the trial ends -> active, first invoice (open, due in 7 days)
    trial_over = T0 + timedelta(days=14, hours=1)
    run = services.run_billing(now=trial_over)
    assert status(shop_a, owner_api) == "active"
    invoice = Invoice.objects.get(pk=run.invoices[0])
    assert (invoice.status, invoice.total_amount, invoice.number) == ("open", 9900, f"MM202601-{invoice.pk:06d}")
    assert client_a.get("/api/v1/store/products").status_code == 200

    # running the job again in the same hour changes nothing
    assert services.run_billing(now=trial_over + timedelta(minutes=5)).invoices == []

    # day 21: unpaid after its due date = a failed payment -> past_due, the shop stays open
    failed_at = trial_over + timedelta(days=7)
    run = services.run_billing(now=failed_at)
    assert run.failed_invoices == [invoice.pk]
    assert status(shop_a, owner_api) == "past_due"
    assert client_a.get("/api/v1/store/products").status_code == 200

    # one minute before the grace days are over: still past_due
    services.run_billing(now=failed_at + timedelta(days=5) - timedelta(minutes=1))
    assert status(shop_a, owner_api) == "past_due"

    # grace over -> suspended: storefront closed page, API 423
    run = services.run_billing(now=failed_at + timedelta(days=5))
    assert run.suspended == [shop_a.pk]
    assert status(shop_a, owner_api) == "suspended"
    assert client_a.get("/api/v1/store/products").status_code == 423
    assert client_a.get("/").status_code == 423

    # the operator marks the invoice paid -> active, the shop reopens
    services.mark_invoice_paid(invoice_id=invoice.pk, now=failed_at + timedelta(days=6))
    assert status(shop_a, owner_api) == "active"
    assert client_a.get("/api/v1/store/products").status_code == 200
    assert list(ShopStatusChange.objects.order_by("at").values_list("action", "source")) == [
        ("suspend", "billing"),
        ("resume", "billing"),
    ]
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_paying_does_not_lift_an_operators_suspension(trial_a, shop_a, settings):
    settings.BILLING_GRACE_DAYS = 0
    run = services.run_billing(now=T0 + timedelta(days=14, hours=1))
    services.run_billing(now=T0 + timedelta(days=30))  # overdue -> past_due -> suspended (0 grace)
    assert Subscription.objects.get().status == "suspended"
    services.suspend_shop(shop_id=shop_a.pk, reason="fraud review", by=None, now=T0 + timedelta(days=30, hours=1))

    services.mark_invoice_paid(invoice_id=run.invoices[0], now=T0 + timedelta(days=31))

    shop_a.refresh_from_db()
    assert Subscription.objects.get().status == "active"
    assert shop_a.status == "suspended"  # the operator's reason still stands


def test_a_shop_reopened_after_months_closed_is_not_billed_for_them(trial_a, shop_a, settings):
    """Suspended (unpaid) for about three months, then the invoice is paid: the renewals had skipped the closed
    months, and after the payment each billing run charged one of them (suspected by a review helper). A new
    period now starts at the payment and is billed once."""
    from billing.models import InvoiceLine

    settings.BILLING_INVOICE_DUE_DAYS, settings.BILLING_GRACE_DAYS = 7, 5
    trial_over = T0 + timedelta(days=14, hours=1)
    [first] = services.run_billing(now=trial_over).invoices
    for day in (7, 12, 40, 70, 100):  # past due, suspended, then runs while the shop is closed
        services.run_billing(now=trial_over + timedelta(days=day))
    assert Subscription.objects.get().status == "suspended"
    paid_at = trial_over + timedelta(days=110)

    services.mark_invoice_paid(invoice_id=first, now=paid_at)
    for hours in (1, 24, 48):
        services.run_billing(now=paid_at + timedelta(hours=hours))

    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.current_period_start) == ("active", paid_at)
    after = InvoiceLine.objects.filter(kind="subscription", period_start__gte=paid_at)
    assert [(line.period_start, line.amount) for line in after] == [(paid_at, 9900)]
    assert InvoiceLine.objects.filter(kind="subscription").count() == 2  # the paid first period, and this one
