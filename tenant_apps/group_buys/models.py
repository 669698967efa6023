"""Group buy 拼团 (PROMOTIONS.md, "Activities"): an activity, its SKUs with activity stock and prices, the groups
shoppers open and join, and one participation per order.

    participation: pending_payment --(order paid)--> paid_waiting --(group full)--> grouped
                   pending_payment --(order cancelled)--> cancelled
                   cancelled --(paid after the timer, units and group seat still there)--> pending_payment
                   paid_waiting --(group failed at its deadline, or the order refunded)--> refunded
    group:         forming --(last seat paid, or auto-filled at the deadline)--> formed
                   forming --(deadline passed)--> failed

A group exists only once its leader has paid. Its seats are counted on the group row (`joined`, real members plus
`virtual_members` added by auto-fill); the row is locked whenever a seat is taken or given back. Virtual members
have no orders and no participations, so they never reach a KPI.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.marketing.interface import Activity

MAX_GROUP_SIZE = 100
MAX_HOURS_TO_FORM = 7 * 24


class GroupBuy(Activity):
    group_size = models.PositiveSmallIntegerField(default=2, verbose_name=_("group size"))
    hours_to_form = models.PositiveSmallIntegerField(default=24, verbose_name=_("hours to form a group"))
    # 0 = no limit. Per order: units in one order; per member: units over all the member's live orders.
    per_order_limit = models.PositiveIntegerField(default=0, verbose_name=_("units per order (0: no limit)"))
    per_member_limit = models.PositiveIntegerField(default=0, verbose_name=_("units per member (0: no limit)"))
    # Taken off each unit the leader buys (never below one fen).
    leader_discount_amount = models.PositiveBigIntegerField(default=0, verbose_name=_("leader discount"))
    # Auto-fill at the deadline when joined / size >= this percent (0: never); the filled seats are virtual.
    autofill_percent = models.PositiveSmallIntegerField(default=0, verbose_name=_("auto-fill from (%)"))

    class Meta(Activity.Meta):
        verbose_name = _("group buy")
        verbose_name_plural = _("group buys")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="groupbuy_window"),
            models.CheckConstraint(
                condition=Q(group_size__gte=2) & Q(group_size__lte=MAX_GROUP_SIZE), name="groupbuy_size_range"
            ),
            models.CheckConstraint(
                condition=Q(hours_to_form__gte=1) & Q(hours_to_form__lte=MAX_HOURS_TO_FORM), name="groupbuy_hours"
            ),
            models.CheckConstraint(condition=Q(autofill_percent__lte=100), name="groupbuy_autofill_percent"),
        ]


class GroupBuyItem(models.Model):
    """One SKU of the activity: its group price, its price ladder by group size, and its own stock."""

    activity = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="items")
    sku_id = models.BigIntegerField(verbose_name=_("SKU"))
    product_id = models.BigIntegerField()
    price_amount = models.PositiveBigIntegerField(verbose_name=_("group price"))
    # Other group sizes a leader may open, each with its price: [{"group_size": 5, "price_amount": 7900}].
    ladder = models.JSONField(default=list, blank=True, verbose_name=_("price ladder"))
    stock = models.PositiveIntegerField(verbose_name=_("activity stock"))
    sold = models.PositiveIntegerField(default=0, verbose_name=_("sold"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("group buy item")
        verbose_name_plural = _("group buy items")
        constraints = [
            models.UniqueConstraint(fields=["activity", "sku_id"], name="groupbuy_item_sku"),
            models.CheckConstraint(condition=Q(sold__lte=F("stock")), name="groupbuy_item_not_oversold"),
            models.CheckConstraint(condition=Q(price_amount__gte=1), name="groupbuy_item_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.sku_id}"

    @property
    def remaining(self) -> int:
        return self.stock - self.sold


class GroupStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    FORMED = "formed", _("Formed")
    FAILED = "failed", _("Did not form")


class Group(models.Model):
    activity = models.ForeignKey(GroupBuy, on_delete=models.PROTECT, related_name="groups", verbose_name=_("activity"))
    leader_member_id = models.BigIntegerField(verbose_name=_("leader"))
    size = models.PositiveSmallIntegerField(verbose_name=_("group size"))
    status = models.CharField(
        max_length=10, choices=GroupStatus.choices, default=GroupStatus.FORMING, verbose_name=_("status")
    )
    joined = models.PositiveSmallIntegerField(default=0, verbose_name=_("joined"))
    virtual_members = models.PositiveSmallIntegerField(default=0, verbose_name=_("virtual members"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    # The activity's rules as they were when the group opened (later edits never change a live group).
    config = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("opened at"))
    formed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("formed at"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("failed at"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [models.Index(fields=["expires_at"], condition=Q(status="forming"), name="group_due_expiry")]
        constraints = [
            models.CheckConstraint(condition=Q(joined__lte=F("size")), name="group_not_overfull"),
            models.CheckConstraint(condition=Q(virtual_members__lte=F("joined")), name="group_virtual_le_joined"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class ParticipationStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID_WAITING = "paid_waiting", _("Paid, waiting for the group")
    GROUPED = "grouped", _("Grouped")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


SEATED = (ParticipationStatus.PAID_WAITING, ParticipationStatus.GROUPED)
COUNTED = (ParticipationStatus.PENDING_PAYMENT, *SEATED)  # units that count against a member's quota


class Participation(models.Model):
    """One order in the activity: the member's seat once paid, with the activity's config snapshotted."""

    activity = models.ForeignKey(
        GroupBuy, on_delete=models.PROTECT, related_name="participations", verbose_name=_("activity")
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="participations", verbose_name=_("group")
    )
    order_id = models.BigIntegerField(unique=True, verbose_name=_("order"))
    order_number = models.CharField(max_length=32, blank=True, verbose_name=_("order number"))
    member_id = models.BigIntegerField(verbose_name=_("member"))
    # The group the shopper asked to join (None: open one); the seat is decided at payment.
    requested_group_id = models.BigIntegerField(null=True, blank=True)
    group_size = models.PositiveSmallIntegerField(verbose_name=_("group size"))
    quantity = models.PositiveIntegerField(verbose_name=_("units"))
    # {sku_id: units} taken from the activity's stock (given back when the order is cancelled or refunded).
    units = models.JSONField(default=dict)
    is_leader = models.BooleanField(default=False, verbose_name=_("leader"))
    status = models.CharField(
        max_length=20,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.PENDING_PAYMENT,
        verbose_name=_("status"),
    )
    config = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paid at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [models.Index(fields=["activity", "member_id"], name="gb_participation_member")]
        constraints = [
            # One seat per member per group.
            models.UniqueConstraint(
                fields=["group", "member_id"],
                condition=Q(status__in=["paid_waiting", "grouped"]),
                name="gb_one_seat_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_number or self.order_id}"
