"""Bargain 砍价 (PROMOTIONS.md, "Activities"): a member starts a session on one SKU at its list price and friends
cut it down towards the floor price; the session is bought (one unit, one order) at the floor or, when the activity
allows it, at whatever the current price is.

    session: active --(the last helper lands on the floor)--> reached --(order placed)--> ordered
             active --(order placed at the current price, pay_at_any_price)--> ordered
             ordered --(order cancelled or refunded in full)--> active | reached (stock given back)
             active | reached | expired --(the cancelled order paid late, kept: orders' hook)--> ordered
             active | reached --(expires_at passed)--> expired 已结束 (stored by the marketing beat pass,
                 services.expire_sessions; until it runs, reads already show it: rules.effective_status)

Each help locks the session row (select_for_update) and the helper's (activity, member) advisory lock, so cuts
never go below the floor, a helper cuts once per session and at most `per_helper_limit` sessions per activity.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.marketing.interface import Activity

MAX_HELPERS = 100
MAX_HOURS = 7 * 24


class CutMode(models.TextChoices):
    RANDOM = "random", _("Random cuts")
    FIXED = "fixed", _("Equal cuts")


class Bargain(Activity):
    sku_id = models.BigIntegerField(verbose_name=_("SKU"))
    product_id = models.BigIntegerField()
    floor_price_amount = models.PositiveBigIntegerField(verbose_name=_("floor price"))
    helpers_needed = models.PositiveSmallIntegerField(verbose_name=_("helpers needed"))
    hours = models.PositiveSmallIntegerField(default=24, verbose_name=_("hours per bargain"))
    cut_mode = models.CharField(max_length=10, choices=CutMode.choices, default=CutMode.RANDOM, verbose_name=_("cuts"))
    # False: the session is bought only once it reached the floor; True: at any current price.
    pay_at_any_price = models.BooleanField(default=False, verbose_name=_("may buy before the floor"))
    # Sessions one member may help in this activity (0: no limit).
    per_helper_limit = models.PositiveIntegerField(default=0, verbose_name=_("helps per member (0: no limit)"))
    stock = models.PositiveIntegerField(verbose_name=_("activity stock"))
    sold = models.PositiveIntegerField(default=0, verbose_name=_("sold"))

    class Meta(Activity.Meta):
        verbose_name = _("bargain")
        verbose_name_plural = _("bargains")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="bargain_window"),
            models.CheckConstraint(condition=Q(sold__lte=F("stock")), name="bargain_not_oversold"),
            models.CheckConstraint(condition=Q(floor_price_amount__gte=1), name="bargain_floor_positive"),
            models.CheckConstraint(
                condition=Q(helpers_needed__gte=1) & Q(helpers_needed__lte=MAX_HELPERS), name="bargain_helpers_range"
            ),
            models.CheckConstraint(condition=Q(hours__gte=1) & Q(hours__lte=MAX_HOURS), name="bargain_hours"),
        ]

    @property
    def remaining(self) -> int:
        return self.stock - self.sold


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("Bargaining")
    REACHED = "reached", _("Floor reached")
    ORDERED = "ordered", _("Ordered")
    EXPIRED = "expired", _("Ended")


class BargainSession(models.Model):
    activity = models.ForeignKey(Bargain, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("activity"))
    member_id = models.BigIntegerField(verbose_name=_("member"))
    start_price_amount = models.PositiveBigIntegerField(verbose_name=_("start price"))
    floor_price_amount = models.PositiveBigIntegerField(verbose_name=_("floor price"))
    current_price_amount = models.PositiveBigIntegerField(verbose_name=_("current price"))
    helpers_needed = models.PositiveSmallIntegerField(verbose_name=_("helpers needed"))
    helps = models.PositiveSmallIntegerField(default=0, verbose_name=_("helps"))
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.ACTIVE, verbose_name=_("status")
    )
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    order_id = models.BigIntegerField(null=True, blank=True, unique=True, verbose_name=_("order"))
    order_number = models.CharField(max_length=32, blank=True, verbose_name=_("order number"))
    # The activity's rules when the session started (later edits never change a live session).
    config = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("started at"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("bargain session")
        verbose_name_plural = _("bargain sessions")
        indexes = [
            models.Index(fields=["activity", "member_id"], name="bargain_session_member"),
            models.Index(fields=["member_id", "-created"], name="bargain_session_mine"),
            models.Index(fields=["status", "expires_at"], name="bargain_session_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_price_amount__gte=F("floor_price_amount")), name="bargain_never_below_floor"
            ),
            models.CheckConstraint(condition=Q(helps__lte=F("helpers_needed")), name="bargain_helps_le_needed"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class BargainHelp(models.Model):
    session = models.ForeignKey(BargainSession, on_delete=models.CASCADE, related_name="help_rows")
    activity_id = models.BigIntegerField()
    helper_member_id = models.BigIntegerField(verbose_name=_("helper"))
    cut_amount = models.PositiveBigIntegerField(verbose_name=_("cut"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("helped at"))

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("help")
        verbose_name_plural = _("helps")
        indexes = [models.Index(fields=["activity_id", "helper_member_id"], name="bargain_help_helper")]
        constraints = [
            models.UniqueConstraint(fields=["session", "helper_member_id"], name="bargain_one_help_per_helper"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.helper_member_id}"
