"""Coupons (优惠券): templates the merchant sets up, and the coupons members hold.

A `Coupon` is the template (API.md `manage/coupons`): kind, amount, threshold, stock, per-member limits, scope,
validity and how it is issued. A `MemberCoupon` is one coupon in a member's hands, with its own code and the
template's terms snapshotted at issue time (a later edit never changes a coupon already held; a random-range
amount is drawn then). Its state machine (PROMOTIONS.md, "Coupons"):

    unused --(order placed: guarded UPDATE in the order's transaction)--> locked --(order.paid)--> used
    locked --(order.cancelled, incl. the unpaid timeout)--> unused
    unused --(valid_to passes)--> expired (read-time: status stays unused, display_status says expired)
    unused | locked --(staff)--> void

Remaining stock is total_quantity - issued_count; edits change total_quantity only (never below what was
issued), so remaining stock is never reset by an edit (a CRMEB bug).
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.members.interface import Member


class CouponKind(models.TextChoices):
    FIXED = "fixed", _("Amount off")
    PERCENT = "percent", _("Percent off")
    RANDOM = "random", _("Random amount off")
    SHIPPING = "shipping", _("Shipping fee off")


class Validity(models.TextChoices):
    FIXED = "fixed", _("Fixed window")
    RELATIVE = "relative", _("Days after issue")


class Coupon(models.Model):
    name = models.CharField(max_length=60, verbose_name=_("name"))
    kind = models.CharField(max_length=10, choices=CouponKind.choices, verbose_name=_("kind"))
    # fixed / shipping: the amount off; random: drawn in [amount_min, amount_max] when issued.
    amount = models.PositiveBigIntegerField(default=0, verbose_name=_("amount off"))
    amount_min = models.PositiveBigIntegerField(default=0, verbose_name=_("lowest random amount"))
    amount_max = models.PositiveBigIntegerField(default=0, verbose_name=_("highest random amount"))
    # percent: the share taken off, 1-99 (8.8折 = 12).
    percent_off = models.PositiveSmallIntegerField(default=0, verbose_name=_("percent off"))
    max_discount_amount = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("discount cap"))
    threshold_amount = models.PositiveBigIntegerField(default=0, verbose_name=_("minimum spend"))
    full_price_only = models.BooleanField(default=False, verbose_name=_("full-price items only"))
    total_quantity = models.PositiveIntegerField(verbose_name=_("total stock"))
    issued_count = models.PositiveIntegerField(default=0, verbose_name=_("issued"))
    per_member_limit = models.PositiveIntegerField(default=1, verbose_name=_("limit per member"))
    # 0: no daily limit.
    per_member_daily_limit = models.PositiveIntegerField(default=0, verbose_name=_("limit per member per day"))
    # The claim window; for fixed validity also the window in which the coupon can be used.
    valid_from = models.DateTimeField(verbose_name=_("valid from"))
    valid_to = models.DateTimeField(verbose_name=_("valid to"))
    validity = models.CharField(
        max_length=10, choices=Validity.choices, default=Validity.FIXED, verbose_name=_("validity")
    )
    # relative validity: usable from N days after issue, for M days.
    valid_after_days = models.PositiveSmallIntegerField(default=0, verbose_name=_("usable after (days)"))
    valid_days = models.PositiveSmallIntegerField(default=0, verbose_name=_("usable for (days)"))
    products = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("products"))
    categories = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("categories"))
    exclude_products = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("excluded products")
    )
    exclude_categories = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("excluded categories")
    )
    self_claim = models.BooleanField(default=True, verbose_name=_("shown in the coupon centre"))
    issue_on_register = models.BooleanField(default=False, verbose_name=_("given to new members"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        constraints = [
            models.CheckConstraint(condition=Q(issued_count__lte=F("total_quantity")), name="coupon_stock"),
            models.CheckConstraint(condition=Q(valid_to__gt=F("valid_from")), name="coupon_window"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(percent_off__gte=1, percent_off__lte=99), name="coupon_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remaining(self) -> int:
        return max(self.total_quantity - self.issued_count, 0)


class MemberCouponStatus(models.TextChoices):
    UNUSED = "unused", _("Unused")
    LOCKED = "locked", _("In an unpaid order")
    USED = "used", _("Used")
    EXPIRED = "expired", _("Expired")
    VOID = "void", _("Void")


class IssueSource(models.TextChoices):
    CLAIM = "claim", _("Claimed")
    REGISTER = "register", _("New member gift")
    STAFF = "staff", _("Issued by staff")
    REWARD = "reward", _("Reward")


class MemberCoupon(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="issued", verbose_name=_("coupon"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="coupons", verbose_name=_("member"))
    code = models.CharField(max_length=16, unique=True, verbose_name=_("code"))
    status = models.CharField(
        max_length=10,
        choices=MemberCouponStatus.choices,
        default=MemberCouponStatus.UNUSED,
        verbose_name=_("status"),
    )
    source = models.CharField(max_length=10, choices=IssueSource.choices, verbose_name=_("source"))
    reason = models.CharField(max_length=100, blank=True, verbose_name=_("reason"))
    # The template's terms when issued (snapshot): name, kind ("random" is issued as "fixed"), amounts, scope.
    name = models.CharField(max_length=60, verbose_name=_("name"))
    kind = models.CharField(max_length=10, choices=CouponKind.choices, verbose_name=_("kind"))
    amount = models.PositiveBigIntegerField(default=0, verbose_name=_("amount off"))
    percent_off = models.PositiveSmallIntegerField(default=0, verbose_name=_("percent off"))
    max_discount_amount = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("discount cap"))
    threshold_amount = models.PositiveBigIntegerField(default=0, verbose_name=_("minimum spend"))
    full_price_only = models.BooleanField(default=False, verbose_name=_("full-price items only"))
    scope = models.JSONField(default=dict, blank=True, verbose_name=_("scope"))
    valid_from = models.DateTimeField(verbose_name=_("valid from"))
    valid_to = models.DateTimeField(verbose_name=_("valid to"))
    issued_on = models.DateField(verbose_name=_("issued on"))  # the shop's local date (daily limit)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("issued"))
    order_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("order"))
    order_number = models.CharField(max_length=32, blank=True, verbose_name=_("order number"))
    locked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("locked at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("member coupon")
        verbose_name_plural = _("member coupons")
        indexes = [
            models.Index(fields=["member", "status"], name="coupon_member_status"),
            models.Index(fields=["coupon", "member", "issued_on"], name="coupon_member_day"),
            models.Index(fields=["order_id"], name="coupon_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
