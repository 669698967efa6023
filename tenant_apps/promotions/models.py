"""Rule promotions (PROMOTIONS.md steps 2-4): quantity and threshold rules, rule groups with their exclusion
matrix, limited-time discounts (限时折扣, activities) and fixed member prices (会员价).

Rules and limited-time discounts are activities (tenant_apps.marketing): draft -> scheduled -> running ⇄ paused
-> ended | invalidated. Tiers and scope are small JSON documents checked by the services (one row per rule, one
read per quote). Every order a rule or discount takes part in records a PromotionUse with the rule as it was.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.marketing.interface import Activity


class RuleKind(models.TextChoices):
    BUNDLE = "bundle", _("N items for a price")
    NTH_PERCENT = "nth_percent", _("N-th item percent off")
    THRESHOLD_REDUCE = "threshold_reduce", _("Spend and save")
    THRESHOLD_PERCENT = "threshold_percent", _("Spend and get percent off")
    THRESHOLD_GIFT = "threshold_gift", _("Spend and get a gift")


QUANTITY_KINDS = (RuleKind.BUNDLE, RuleKind.NTH_PERCENT)


class RuleGroup(models.Model):
    """Rules of one group never stack (the best one applies); `excludes` is the merchant's exclusion matrix:
    two groups that exclude each other never apply to the same order (symmetric)."""

    name = models.CharField(max_length=60, unique=True, verbose_name=_("name"))
    excludes = models.ManyToManyField("self", symmetrical=True, blank=True, verbose_name=_("never combined with"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("rule group")
        verbose_name_plural = _("rule groups")

    def __str__(self) -> str:
        return self.name


class PromotionRule(Activity):
    """A quantity (N元N件, n-th item x% off) or threshold (满减, 满折, 满赠) rule.

    tiers: [{threshold_amount, reduce_amount}] (满减), [{threshold_amount, percent_off}] (满折),
    [{threshold_amount, gift_sku_ids: [..]}] (满赠, first gift in stock wins), [{threshold_quantity,
    bundle_price_amount}] (N元N件), [{threshold_quantity, percent_off}] (n-th item); ascending.
    scope: {products, categories, exclude_products, exclude_categories} (lists of ids; empty: everything).
    """

    kind = models.CharField(max_length=20, choices=RuleKind.choices, verbose_name=_("kind"))
    tiers = models.JSONField(default=list, verbose_name=_("tiers"))
    repeat = models.BooleanField(default=False, verbose_name=_("repeat (every X)"))
    cap_amount = models.BigIntegerField(null=True, blank=True, verbose_name=_("cap"))
    scope = models.JSONField(default=dict, blank=True, verbose_name=_("scope"))
    group = models.ForeignKey(
        RuleGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="rules", verbose_name=_("rule group")
    )

    class Meta(Activity.Meta):
        verbose_name = _("promotion rule")
        verbose_name_plural = _("promotion rules")
        indexes = [models.Index(fields=["status", "ends_at"], name="promotions_rule_live")]

    @property
    def code(self) -> str:
        return f"promo-{self.pk}"


class LimitedDiscount(Activity):
    """限时折扣: fixed prices for some SKUs between starts_at and ends_at (an item offer, step 2)."""

    class Meta(Activity.Meta):
        verbose_name = _("limited-time discount")
        verbose_name_plural = _("limited-time discounts")
        indexes = [models.Index(fields=["status", "ends_at"], name="promotions_ltd_live")]

    @property
    def code(self) -> str:
        return f"ltd-{self.pk}"


class LimitedDiscountItem(models.Model):
    discount = models.ForeignKey(
        LimitedDiscount, on_delete=models.CASCADE, related_name="items", verbose_name=_("limited-time discount")
    )
    sku_id = models.BigIntegerField(verbose_name=_("SKU"))
    product_id = models.BigIntegerField(verbose_name=_("product"))
    price_amount = models.BigIntegerField(verbose_name=_("discount price"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("discounted SKU")
        verbose_name_plural = _("discounted SKUs")
        constraints = [
            models.UniqueConstraint(fields=["discount", "sku_id"], name="promotions_ltd_item_unique"),
            models.CheckConstraint(condition=models.Q(price_amount__gt=0), name="promotions_ltd_item_price"),
        ]
        indexes = [models.Index(fields=["sku_id"]), models.Index(fields=["product_id"])]

    def __str__(self) -> str:
        return f"SKU {self.sku_id}"


class MemberPrice(models.Model):
    """会员价: a fixed unit price of a SKU for signed-in members (levels' discounts belong to loyalty)."""

    sku_id = models.BigIntegerField(unique=True, verbose_name=_("SKU"))
    product_id = models.BigIntegerField(db_index=True, verbose_name=_("product"))
    price_amount = models.BigIntegerField(verbose_name=_("member price"))
    updated = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        ordering = ["product_id", "sku_id"]
        verbose_name = _("member price")
        verbose_name_plural = _("member prices")
        constraints = [models.CheckConstraint(condition=models.Q(price_amount__gt=0), name="promotions_member_price")]

    def __str__(self) -> str:
        return f"SKU {self.sku_id}"


class PromotionUse(models.Model):
    """One order a rule, limited-time discount or member price took part in, with the rule as it was then."""

    order_id = models.BigIntegerField(db_index=True, verbose_name=_("order"))
    member_id = models.BigIntegerField(null=True, verbose_name=_("member"))
    code = models.CharField(max_length=40, db_index=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    amount = models.BigIntegerField(default=0, verbose_name=_("amount"))
    snapshot = models.JSONField(default=dict, verbose_name=_("snapshot"))
    voided = models.BooleanField(default=False, verbose_name=_("voided"))
    # Refunds of some of the order's units: the discount those units took (their allocated share) no longer counts;
    # {sku id: units refunded} is kept so that several partial refunds add up exactly (services.return_uses).
    refunded_amount = models.BigIntegerField(default=0, verbose_name=_("refunded discount"))
    refunded_units = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("promotion use")
        verbose_name_plural = _("promotion uses")
        constraints = [models.UniqueConstraint(fields=["order_id", "code"], name="promotions_use_unique")]

    def __str__(self) -> str:
        return f"{self.code} @ {self.order_id}"


class CartSimulation(PromotionUse):
    """No table: the back office's "simulate a cart" screen hangs off this proxy."""

    class Meta:
        proxy = True
        verbose_name = _("cart simulation")
        verbose_name_plural = _("simulate a cart")

    def __str__(self) -> str:
        return str(self.pk)
