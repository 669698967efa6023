"""Loyalty (积分 / 会员等级 / 签到 / 邀请有礼): settings, member levels, the points and growth ledgers, check-ins
and invitations.

Balances are never stored: a member's points balance is SUM(PointsEntry.points), the frozen points
SUM(PointsEntry.frozen) and the growth value SUM(GrowthEntry.growth) (selectors). PointsAccount is the row a
member's points writers lock, so a spend is checked against the balance with no race.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.members.interface import Member

MAX_LEVELS = 20
MAX_CHECKIN_DAYS = 31


class LoyaltySettings(models.Model):
    """One row per shop (pk=1)."""

    points_per_yuan = models.PositiveIntegerField(
        _("points earned per yuan"), default=1, help_text=_("Points credited per yuan paid for goods.")
    )
    redeem_points_per_yuan = models.PositiveIntegerField(
        _("points per yuan when paying"), default=100, help_text=_("How many points pay for one yuan.")
    )
    min_redeem_points = models.PositiveIntegerField(_("minimum points per order"), default=0)
    max_redeem_points = models.PositiveIntegerField(
        _("maximum points per order"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_redeem_percent = models.PositiveSmallIntegerField(
        _("maximum share paid with points (%)"), default=50, help_text=_("Of the goods amount after coupons.")
    )
    points_freeze_days = models.PositiveSmallIntegerField(
        _("days earned points stay frozen"), default=7, help_text=_("Counted from the order's completion.")
    )
    points_expire_days = models.PositiveIntegerField(
        _("days points stay valid"), default=365, help_text=_("0: points never expire.")
    )
    checkin_rewards = models.JSONField(
        _("check-in rewards by streak day"),
        default=list,
        blank=True,
        help_text=_("Points for day 1, 2, 3… of a streak; later days get the last value."),
    )
    checkin_cumulative_rewards = models.JSONField(
        _("cumulative check-in rewards"),
        default=list,
        blank=True,
        help_text=_("Bonus points when the days checked in this month reach a number: [{days, points}]."),
    )
    growth_per_yuan = models.PositiveIntegerField(_("growth per yuan"), default=1)
    checkin_growth = models.PositiveIntegerField(_("growth per check-in"), default=1)
    invite_points = models.PositiveIntegerField(_("points per invitation"), default=100)
    invite_growth = models.PositiveIntegerField(_("growth per invitation"), default=10)
    invite_daily_cap = models.PositiveIntegerField(
        _("invitation rewards per day"),
        default=5,
        help_text=_("At most this many rewarded invitations per inviter a day."),
    )

    class Meta:
        verbose_name = _("loyalty settings")
        verbose_name_plural = _("loyalty settings")
        constraints = [
            models.CheckConstraint(condition=Q(redeem_points_per_yuan__gte=1), name="loyalty_redeem_ratio_positive"),
            models.CheckConstraint(condition=Q(max_redeem_percent__lte=100), name="loyalty_redeem_percent_le_100"),
        ]

    def __str__(self) -> str:
        return str(_("Loyalty settings"))


class MemberLevel(models.Model):
    """A level reached at a growth value; members of it get `discount_percent` off item prices."""

    name = models.CharField(_("name"), max_length=30)
    growth_threshold = models.PositiveIntegerField(_("growth threshold"))
    discount_percent = models.PositiveSmallIntegerField(
        _("discount (%)"),
        default=0,
        help_text=_("Share taken off item prices: 5 means paying 95 percent of the price."),
    )

    class Meta:
        ordering = ["growth_threshold"]
        verbose_name = _("member level")
        verbose_name_plural = _("member levels")
        constraints = [
            models.UniqueConstraint(fields=["growth_threshold"], name="loyalty_level_threshold_unique"),
            models.CheckConstraint(condition=Q(discount_percent__lte=99), name="loyalty_level_discount_le_99"),
        ]

    def __str__(self) -> str:
        return self.name


class PointsAccount(models.Model):
    """The lock row of a member's points (no balance here: balances are sums over the ledger)."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="points_account", verbose_name=_("member")
    )
    invite_code = models.CharField(_("invitation code"), max_length=16, unique=True, null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")

    def __str__(self) -> str:
        return str(self.member)


class EntryKind(models.TextChoices):
    FREEZE = "freeze", _("Earned (frozen)")
    UNFREEZE = "unfreeze", _("Unfrozen")
    CONSUME = "consume", _("Spent on an order")
    REVERT = "revert", _("Returned")
    CLAWBACK = "clawback", _("Taken back after a refund")
    CHECKIN = "checkin", _("Check-in")
    INVITE = "invite", _("Invitation reward")
    ADJUST = "adjust", _("Adjustment")
    EXPIRE = "expire", _("Expired")


class PointsEntry(models.Model):
    """One ledger row. `points` moves the spendable balance, `frozen` the frozen one (both signed)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.BigIntegerField(_("points"), default=0)
    frozen = models.BigIntegerField(_("frozen points"), default=0)
    order_id = models.BigIntegerField(_("order"), null=True, blank=True)
    # Idempotency key of writers driven by events and beats (e.g. "consume:<order>", "unfreeze:<order>").
    reference = models.CharField(_("reference"), max_length=64, null=True, blank=True, unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.CharField(_("by"), max_length=254, blank=True)
    available_at = models.DateTimeField(_("unfreezes at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        indexes = [
            models.Index(fields=["member", "-id"], name="loyalty_entry_member"),
            models.Index(fields=["order_id"], name="loyalty_entry_order", condition=Q(order_id__isnull=False)),
            models.Index(fields=["available_at"], name="loyalty_entry_due", condition=Q(kind="freeze")),
            models.Index(fields=["expires_at"], name="loyalty_entry_expiry", condition=Q(expires_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d}/{self.frozen:+d}"


class OrderRecord(models.Model):
    """What one completed order earned: the goods amount it was earned on and the points and growth credited,
    so later refunds claw back their share."""

    order_id = models.BigIntegerField(_("order"), unique=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    base_amount = models.BigIntegerField(_("goods amount"))
    earned_points = models.BigIntegerField(_("points earned"))
    earned_growth = models.BigIntegerField(_("growth earned"))
    completed_at = models.DateTimeField(_("completed"))

    class Meta:
        verbose_name = _("order points record")
        verbose_name_plural = _("order points records")

    def __str__(self) -> str:
        return f"order {self.order_id}"


class GrowthEntry(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=10)  # spend | refund | checkin | invite | adjust
    growth = models.BigIntegerField(_("growth"))
    order_id = models.BigIntegerField(_("order"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=64, null=True, blank=True, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("growth entry")
        verbose_name_plural = _("growth entries")
        indexes = [models.Index(fields=["member"], name="loyalty_growth_member")]

    def __str__(self) -> str:
        return f"{self.kind} {self.growth:+d}"


class CheckIn(models.Model):
    """One check-in per member per local date (the shop's time zone), enforced by the database."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    local_date = models.DateField(_("date"))
    streak = models.PositiveIntegerField(_("streak"))
    points = models.PositiveIntegerField(_("points"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-local_date"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["member", "local_date"], name="loyalty_one_checkin_per_day")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.local_date}"


class InvitationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a first paid order")
    QUALIFYING = "qualifying", _("In the return window")
    REWARDED = "rewarded", _("Rewarded")
    CAPPED = "capped", _("Over the daily cap")


class Invitation(models.Model):
    """The member who invited `invitee`. Rewarded once the invitee's first paid order clears its return window."""

    invitee = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("invitee"))
    inviter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("inviter"))
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.WAITING
    )
    order_id = models.BigIntegerField(_("order"), null=True, blank=True)
    due_at = models.DateTimeField(_("reward due at"), null=True, blank=True)
    rewarded_at = models.DateTimeField(_("rewarded at"), null=True, blank=True)
    reward_date = models.DateField(_("reward date"), null=True, blank=True)  # the inviter's local day (cap)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["due_at"], name="loyalty_invite_due", condition=Q(status="qualifying")),
            models.Index(fields=["inviter", "reward_date"], name="loyalty_invite_day"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(invitee=models.F("inviter")), name="loyalty_no_self_invite")]

    def __str__(self) -> str:
        return f"{self.inviter_id} -> {self.invitee_id}"
