"""Platform billing (public schema): plans, who pays (billing accounts), subscriptions, the technical-fee ledger,
invoices with numbered lines, stored Stripe events and the audit of suspensions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Plan names are stored as these msgids (seeded by migration 0002) and translated when shown.
PLAN_NAMES = (gettext_noop("Basic"), gettext_noop("Professional"), gettext_noop("Flagship"))


class Interval(models.TextChoices):
    MONTH = "month", _("monthly")
    YEAR = "year", _("yearly")


class Plan(models.Model):
    """A price list entry. `name` is an English msgid translated when shown (基础版 / 专业版 / 旗舰版)."""

    code = models.SlugField(max_length=40, unique=True)
    tier = models.CharField(max_length=20)
    rank = models.PositiveSmallIntegerField(help_text="Higher is a bigger plan (upgrade / downgrade).")
    name = models.CharField(max_length=60)
    interval = models.CharField(max_length=8, choices=Interval.choices)
    price_amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="CNY")
    technical_fee_bps = models.PositiveIntegerField()
    trial_days = models.PositiveSmallIntegerField(default=14)
    staff_seats = models.PositiveIntegerField()
    max_products = models.PositiveIntegerField(help_text="0 = unlimited")
    is_active = models.BooleanField(default=True)
    stripe_price_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["rank", "interval"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [models.CheckConstraint(condition=Q(technical_fee_bps__lte=10000), name="plan_bps_lte_10000")]

    def __str__(self) -> str:
        return f"{_(self.name)} ({self.get_interval_display()})"


class BillingAccount(models.Model):
    """Who pays: a shop itself, or an agency paying for its client shops on one consolidated invoice."""

    shop = models.OneToOneField(
        "tenancy.Shop", on_delete=models.CASCADE, null=True, blank=True, related_name="billing_account"
    )
    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="billing_account"
    )
    email = models.EmailField(blank=True, default="")
    stripe_customer_id = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("billing account")
        verbose_name_plural = _("billing accounts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(shop__isnull=False) & Q(agency__isnull=True))
                | (Q(shop__isnull=True) & Q(agency__isnull=False)),
                name="billing_account_shop_xor_agency",
            )
        ]

    def __str__(self) -> str:
        return str(self.agency or self.shop)


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", _("trialing")
    ACTIVE = "active", _("active")
    PAST_DUE = "past_due", _("past due")
    SUSPENDED = "suspended", _("suspended")
    CANCELED = "canceled", _("canceled")


class Subscription(models.Model):
    """One per shop. The account paying it is the shop's own or its agency's (consolidated billing)."""

    shop = models.OneToOneField("tenancy.Shop", on_delete=models.CASCADE, related_name="subscription")
    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=12, choices=SubscriptionStatus.choices)
    trial_end = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    past_due_since = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    stripe_subscription_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    stripe_item_id = models.CharField(max_length=64, blank=True, default="")
    # `created` of the newest Stripe event applied: an older one arriving late never regresses the state.
    stripe_state_at = models.BigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [models.Index(fields=["status", "current_period_end"])]

    def __str__(self) -> str:
        return f"{self.shop} · {self.plan} · {self.status}"


class ConsolidatedSubscription(models.Model):
    """Stripe mode: an agency's one Stripe subscription per billing interval, each client shop an item on it, so
    the agency gets one consolidated Stripe invoice per cycle (its row keys the creation's idempotency)."""

    account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="consolidated_subscriptions")
    interval = models.CharField(max_length=8, choices=Interval.choices)
    stripe_subscription_id = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "interval"], name="uniq_consolidated_interval")]

    def __str__(self) -> str:
        return f"{self.account} · {self.interval} · {self.stripe_subscription_id or '-'}"


class BillingTransfer(models.Model):
    """A hand-over of a shop's billing from its agency to the shop itself (the ledger row whose id keys the Stripe
    calls: the shop's item leaves the agency's subscription, a subscription starts on the client's customer)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="transfers")
    from_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="+")
    to_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="+")
    from_stripe_subscription_id = models.CharField(max_length=64, blank=True, default="")
    from_stripe_item_id = models.CharField(max_length=64, blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.subscription.shop_id}: {self.from_account_id} -> {self.to_account_id}"


class BillingPage(Subscription):
    """The shop back office's 套餐与账单 screen (billing/backoffice.py) hangs off this proxy."""

    class Meta:
        proxy = True
        verbose_name = _("Plan and billing")
        verbose_name_plural = _("Plan and billing")


class SubscriptionChange(models.Model):
    """A plan change (the ledger row whose id keys the Stripe update's idempotency)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="changes")
    from_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    to_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.from_plan.code} -> {self.to_plan.code}"


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("open")
    PAID = "paid", _("paid")
    VOID = "void", _("void")


class Invoice(models.Model):
    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    currency = models.CharField(max_length=3, default="CNY")
    total_amount = models.IntegerField(default=0)
    status = models.CharField(max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    issued_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_failed_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stripe_invoice_id = models.CharField(max_length=64, blank=True, null=True, unique=True)
    stripe_state_at = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [
            ("mark_invoice_paid", "Can mark invoices paid (money received offline)"),
            ("view_revenue", "Can view the revenue report"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class LineKind(models.TextChoices):
    SUBSCRIPTION = "subscription", _("subscription")
    TECHNICAL_FEE = "technical_fee", _("technical fee")
    PRORATION = "proration", _("proration")


class InvoiceLine(models.Model):
    """A numbered line. A line with no invoice yet is pending (a proration waiting for the next invoice)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, null=True, blank=True, related_name="lines")
    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="+")
    shop = models.ForeignKey("tenancy.Shop", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    description = models.CharField(max_length=300)
    amount = models.IntegerField()
    currency = models.CharField(max_length=3, default="CNY")
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    stripe_invoice_item_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["invoice_id", "position", "id"]
        indexes = [models.Index(fields=["account", "invoice"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.kind} {self.amount}"


class FeeEntry(models.Model):
    """One order event's effect on a shop's GMV and technical fee (public schema, fed by the events door).

    Fees already taken as a Stripe application fee are recorded (`collected_by_stripe`) but never invoiced."""

    shop = models.ForeignKey("tenancy.Shop", on_delete=models.PROTECT, related_name="+")
    event_id = models.UUIDField(unique=True)
    event_name = models.CharField(max_length=40)
    order_id = models.BigIntegerField()
    order_number = models.CharField(max_length=40, blank=True, default="")
    gmv_amount = models.BigIntegerField(help_text="+ paid, - refunded")
    technical_fee_bps = models.PositiveIntegerField()
    fee_amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="CNY")
    gateway = models.CharField(max_length=20, blank=True, default="")
    collected_by_stripe = models.BooleanField(default=False)
    occurred_at = models.DateTimeField()
    invoice_line = models.ForeignKey(
        InvoiceLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="fee_entries"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("fee ledger entry")
        verbose_name_plural = _("fee ledger")
        indexes = [models.Index(fields=["shop", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.event_name} {self.order_number or self.order_id}: {self.fee_amount}"


class StripeEventStatus(models.TextChoices):
    RECEIVED = "received", "received"
    PROCESSED = "processed", "processed"
    IGNORED = "ignored", "ignored"
    FAILED = "failed", "failed"


class StripeEvent(models.Model):
    """A verified Stripe billing webhook, stored once per event id."""

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    created = models.BigIntegerField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=StripeEventStatus.choices, default=StripeEventStatus.RECEIVED)
    error = models.TextField(blank=True, default="")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        permissions = [("reprocess_stripeevent", "Can process failed Stripe events again")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ShopStatusChange(models.Model):
    """Audit of suspend / resume: who (operator or billing), why, when."""

    shop = models.ForeignKey("tenancy.Shop", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10)  # suspend / resume
    source = models.CharField(max_length=10)  # operator / billing
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("suspension audit")
        verbose_name_plural = _("suspension audit")
        permissions = [("suspend_shop", "Can suspend and resume shops (with a reason)")]

    def __str__(self) -> str:
        return f"{self.action} ({self.source}): {self.reason}"
