"""秒杀 flash sales (PROMOTIONS.md "Flash sale"): a session is an Activity (a time slot, e.g. 00:00-02:00) with
a flash price and a flash stock per SKU, separate from the SKU's own stock, and per-order / per-member quotas.

- FlashSaleItem.remaining is taken with a guarded UPDATE (remaining >= n) inside the order's transaction;
- FlashSaleQuota is one row per (item, member), grown by INSERT ... ON CONFLICT DO UPDATE ... WHERE the new
  total stays within the limit, so two orders of one member never both pass the quota;
- FlashSaleParticipation snapshots what the order got (price, limits) and is released when the unpaid order
  is cancelled (order.cancelled event), which gives the flash stock and the quota back; a payment arriving after
  that takes them again (orders' late-payment hook) or is refunded (order.late_payment_refunded), and refunded
  units of a paid order give back their quota and, while the session is on, their flash stock (order.refunded).
  docs/flash_sales.md says why.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.marketing.interface import Activity

DEFAULT_PAY_MINUTES = 5
MAX_PAY_MINUTES = 30


class FlashSale(Activity):
    """One session (时段) of flash sales: its window, and how long a buyer has to pay."""

    pay_within_minutes = models.PositiveSmallIntegerField(default=DEFAULT_PAY_MINUTES, verbose_name=_("minutes to pay"))

    class Meta(Activity.Meta):
        verbose_name = _("flash sale session")
        verbose_name_plural = _("flash sale sessions")
        constraints = [
            *Activity.Meta.constraints,
            models.CheckConstraint(
                condition=Q(pay_within_minutes__gte=1, pay_within_minutes__lte=MAX_PAY_MINUTES),
                name="flash_sales_pay_minutes_range",
            ),
        ]


class FlashSaleItem(models.Model):
    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="items", verbose_name=_("session"))
    sku_id = models.BigIntegerField(verbose_name=_("SKU"))
    product_id = models.BigIntegerField()
    title = models.CharField(max_length=200, verbose_name=_("product"))  # snapshot at creation
    specs = models.JSONField(default=dict, blank=True)
    image = models.CharField(max_length=255, blank=True, default="")  # storage name, snapshot at creation
    normal_price_amount = models.PositiveBigIntegerField(verbose_name=_("normal price"))  # snapshot
    price_amount = models.PositiveBigIntegerField(verbose_name=_("flash price"))
    stock = models.PositiveIntegerField(verbose_name=_("flash stock"))
    remaining = models.IntegerField(verbose_name=_("remaining"))
    per_member_limit = models.PositiveIntegerField(verbose_name=_("limit per member"))
    per_order_limit = models.PositiveIntegerField(verbose_name=_("limit per order"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sale_id", "position", "id"]
        verbose_name = _("flash sale item")
        verbose_name_plural = _("flash sale items")
        constraints = [
            models.UniqueConstraint(fields=["sale", "sku_id"], name="flash_sales_item_one_per_sku"),
            models.CheckConstraint(
                condition=Q(remaining__gte=0, remaining__lte=F("stock")), name="flash_sales_item_remaining"
            ),
            models.CheckConstraint(condition=Q(price_amount__gte=1), name="flash_sales_item_price_positive"),
            models.CheckConstraint(
                condition=Q(per_member_limit__gte=1, per_order_limit__gte=1), name="flash_sales_item_limits"
            ),
        ]
        indexes = [models.Index(fields=["sku_id"], name="flash_sales_item_sku")]

    def __str__(self) -> str:
        return self.title

    @property
    def sold(self) -> int:
        return self.stock - self.remaining


class FlashSaleQuota(models.Model):
    """How many units of an item a member holds in placed (not released) orders."""

    item = models.ForeignKey(FlashSaleItem, on_delete=models.CASCADE, related_name="quotas")
    member_id = models.BigIntegerField()
    bought = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member_id"], name="flash_sales_quota_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.member_id}={self.bought}"


class ParticipationStatus(models.TextChoices):
    PLACED = "placed", _("Awaiting payment")
    PAID = "paid", _("Paid")
    RELEASED = "released", _("Released")
    # Written only before orders settled late payments itself (services/late.py); such rows end refunded.
    REFUNDING = "refunding", _("Refund due")
    # Refunded: a late payment given back, or every unit of a paid order refunded (see `returned`).
    REFUNDED = "refunded", _("Refunded")


class FlashSaleParticipation(models.Model):
    """One order line bought in a flash sale, with the session's config as it was then (a snapshot)."""

    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="participations")
    item = models.ForeignKey(FlashSaleItem, on_delete=models.CASCADE, related_name="participations")
    order_id = models.BigIntegerField()
    order_number = models.CharField(max_length=32)
    member_id = models.BigIntegerField()
    sku_id = models.BigIntegerField()
    quantity = models.PositiveIntegerField()
    price_amount = models.PositiveBigIntegerField()
    snapshot = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ParticipationStatus.choices, default=ParticipationStatus.PLACED)
    # Units of a paid order refunded since: their quota (and, while the session is on, flash stock) came back.
    returned = models.PositiveIntegerField(default=0, verbose_name=_("refunded units"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("flash sale order")
        verbose_name_plural = _("flash sale orders")
        constraints = [
            models.UniqueConstraint(fields=["order_id", "item"], name="flash_sales_participation_once"),
        ]
        indexes = [models.Index(fields=["order_id"], name="flash_sales_part_order")]

    def __str__(self) -> str:
        return f"{self.order_number} × {self.quantity}"
