"""Distribution (分销): settings, distributors, bindings, the commission ledger and withdrawals.

Balances are never stored: they are sums over CommissionEntry and Withdrawal rows (selectors.balances).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.members.interface import Member

MAX_LEVELS = 3  # Chinese law treats deeper chains as pyramid selling


class DistributionSettings(models.Model):
    """One row per shop (pk=1)."""

    enabled = models.BooleanField(default=False)
    levels = models.PositiveSmallIntegerField(default=2)
    rates_bps = models.JSONField(default=list)  # one rate per level, basis points
    freeze_days = models.PositiveSmallIntegerField(default=7)
    min_withdrawal_amount = models.PositiveBigIntegerField(default=100)
    self_purchase_commission = models.BooleanField(default=False)
    auto_approve = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("distribution settings")
        verbose_name_plural = _("distribution settings")
        constraints = [
            models.CheckConstraint(condition=Q(levels__gte=1) & Q(levels__lte=MAX_LEVELS), name="dist_levels_1_3"),
        ]

    def __str__(self) -> str:
        return str(_("Distribution settings"))


class RateOverride(models.Model):
    """Per-product or per-SKU rates (a SKU override wins over its product's)."""

    product_id = models.BigIntegerField(null=True, blank=True)
    sku_id = models.BigIntegerField(null=True, blank=True)
    rates_bps = models.JSONField(default=list)

    class Meta:
        verbose_name = _("rate override")
        verbose_name_plural = _("rate overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(product_id__isnull=False, sku_id__isnull=True)
                | Q(product_id__isnull=True, sku_id__isnull=False),
                name="dist_override_one_target",
            ),
            models.UniqueConstraint(fields=["product_id"], name="dist_override_product"),
            models.UniqueConstraint(fields=["sku_id"], name="dist_override_sku"),
        ]

    def __str__(self) -> str:
        return f"sku {self.sku_id}" if self.sku_id else f"product {self.product_id}"


class Tier(models.Model):
    """普通/银牌/金牌: reached by cumulative sales or team size; rates_bps (when set) replace the shop's."""

    name = models.CharField(max_length=30)
    rank = models.PositiveSmallIntegerField(unique=True)
    min_sales_amount = models.PositiveBigIntegerField(default=0)
    min_team_size = models.PositiveIntegerField(default=0)
    rates_bps = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("distributor tier")
        verbose_name_plural = _("distributor tiers")

    def __str__(self) -> str:
        return self.name


class DistributorStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Distributor(models.Model):
    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="distributor")
    code = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=10, choices=DistributorStatus.choices, default=DistributorStatus.PENDING)
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The distributor's Stripe connected account (acct_...): withdrawals are then paid by a Stripe transfer.
    stripe_account_id = models.CharField(
        max_length=64, blank=True, db_default="", verbose_name=_("Stripe connected account for payouts")
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")

    def __str__(self) -> str:
        return f"{self.code} ({self.member})"


class Binding(models.Model):
    """A member bound to the distributor who brought them (first touch). The chain of bindings is the upline."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="distribution_binding")
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="bindings")
    source = models.CharField(max_length=10)  # register | order | link | rebind
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("binding")
        verbose_name_plural = _("bindings")

    def __str__(self) -> str:
        return f"{self.member} -> {self.distributor.code}"


class RebindAudit(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    from_distributor = models.ForeignKey(Distributor, null=True, on_delete=models.PROTECT, related_name="+")
    to_distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="+")
    by = models.CharField(max_length=254)
    reason = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("re-binding")
        verbose_name_plural = _("re-bindings")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_distributor_id} -> {self.to_distributor_id}"


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Pending settlement")
    AVAILABLE = "available", _("Available to withdraw")
    REVERSED = "reversed", _("Reversed")


class EntryKind(models.TextChoices):
    COMMISSION = "commission", _("Commission")
    REVERSAL = "reversal", _("Refund reversal")


class CommissionEntry(models.Model):
    """One commission per (order, level); refunds add negative reversal rows that follow their parent's status.

    `status` and `available_at` are in no index (and the table keeps half of each page free, fillfactor 50, set
    in migration 0002), so completion and release update rows in place (HOT: no index entries written). Which
    orders are due is ReleaseSchedule's business.
    """

    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices, default=EntryKind.COMMISSION)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="reversals")
    order_id = models.BigIntegerField()
    order_number = models.CharField(max_length=32)
    buyer_id = models.BigIntegerField()
    level = models.PositiveSmallIntegerField()
    base_amount = models.BigIntegerField()
    rate_bps = models.PositiveIntegerField()  # the effective rate: amount*10000 // base when lines differ
    amount = models.BigIntegerField()  # negative for reversals
    lines = models.JSONField(default=list)  # [{order_line_id, base_amount, rate_bps, amount}]
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    available_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("commission entry")
        verbose_name_plural = _("commission entries")
        indexes = [
            models.Index(fields=["order_id"], name="dist_entry_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order_id", "level"], condition=Q(kind="commission"), name="dist_one_commission_per_level"
            ),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=MAX_LEVELS), name="dist_entry_level"),
        ]

    def __str__(self) -> str:
        return f"{self.order_number} L{self.level} {self.amount}"


class ReleaseSchedule(models.Model):
    """One row per completed order whose commission is frozen: when it becomes available. Deleted on release.

    Kept apart from the ledger so that the ledger needs no index on status (see CommissionEntry)."""

    order_id = models.BigIntegerField(primary_key=True)
    due_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("commission release")
        verbose_name_plural = _("commission releases")

    def __str__(self) -> str:
        return f"{self.order_id} @ {self.due_at:%Y-%m-%d %H:%M}"


class PayoutMethod(models.TextChoices):
    MANUAL = "manual", _("Manual transfer")
    STRIPE = "stripe", _("Stripe transfer")


class WithdrawalStatus(models.TextChoices):
    REQUESTED = "requested", _("Withdrawal requested")
    PAID = "paid", _("Paid out")
    REJECTED = "rejected", _("Rejected")


class Withdrawal(models.Model):
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="withdrawals")
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=WithdrawalStatus.choices, default=WithdrawalStatus.REQUESTED)
    transfer_reference = models.CharField(max_length=100, blank=True)
    payout_method = models.CharField(max_length=10, choices=PayoutMethod.choices, blank=True, db_default="")
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # When a Stripe transfer for it was first asked for (committed before the call): from then on the withdrawal
    # is settled by approving again (the same transfer is replayed), never rejected or paid by hand, since Stripe
    # may have made the transfer without our hearing of it.
    stripe_attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dist_withdrawal_positive")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount}"
