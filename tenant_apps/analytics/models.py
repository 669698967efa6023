"""Data centre (shop schema): raw behaviour events, their daily rollups, order facts from the order events.

Raw `Event` rows arrive in batches from the Redis buffer (collect.py -> services.flush_events) and are kept
for the shop's retention (default 180 days). `VisitorDay` (one row per visitor per day) and `ProductDay` are
the rollups: UV over any period is COUNT(DISTINCT visitor) over visitor-days, so it is exact and deduplicated
across days without keeping the raw events. `OrderFact` is written by the order-event subscribers only.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_RETENTION_DAYS = 3650


class EventKind(models.TextChoices):
    VIEW_SHOP = "view_shop", _("Page view")
    VIEW_PRODUCT = "view_product", _("Product view")
    ADD_TO_CART = "add_to_cart", _("Add to cart")
    CHECKOUT = "checkout", _("Checkout started")
    SHARE = "share", _("Share")


VIEW_KINDS = (EventKind.VIEW_SHOP, EventKind.VIEW_PRODUCT)


class Source(models.TextChoices):
    DIRECT = "direct", _("Direct")
    SHARE = "share", _("Shared link")
    DISTRIBUTOR = "distributor", _("Distributor link")
    REFERRAL = "referral", _("Other website")
    CAMPAIGN = "campaign", _("Campaign link")


class AnalyticsSettings(models.Model):
    """One row per shop (pk=1); defaults until the merchant changes them."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    retention_days = models.PositiveIntegerField(
        _("keep raw events for (days)"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_DAYS)],
    )

    class Meta:
        verbose_name = _("data centre settings")
        verbose_name_plural = _("data centre settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="analytics_settings_singleton"),
            models.CheckConstraint(condition=Q(retention_days__gte=1), name="analytics_retention_min"),
        ]

    def __str__(self) -> str:
        return str(_("data centre settings"))


class Event(models.Model):
    """One thing a visitor did. `uid` comes from the hot path: a batch flushed twice inserts nothing twice."""

    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField()
    day = models.DateField()  # the shop's local date of `at`
    visitor = models.CharField(max_length=40)  # first-party cookie id (or "m<member id>" for cookieless clients)
    member_id = models.BigIntegerField(null=True, blank=True)
    product_id = models.BigIntegerField(null=True, blank=True)
    # share: the sharer's own code; a view: the code of the shared link the visitor came through.
    share_code = models.CharField(max_length=16, blank=True, default="")
    source = models.CharField(max_length=16, blank=True, default="")
    ref = models.CharField(max_length=32, blank=True, default="")  # distributor code of a ?ref= link

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["day", "kind"], name="analytics_event_day_kind"),
            models.Index(fields=["visitor", "-at"], name="analytics_event_visitor"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.visitor} {self.at:%Y-%m-%d %H:%M}"


class Visitor(models.Model):
    """Everyone ever seen: first visit (source, shared link), last visit, the member behind the cookie."""

    visitor = models.CharField(max_length=40, primary_key=True)
    member_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    first_at = models.DateTimeField()
    first_day = models.DateField(db_index=True)
    first_source = models.CharField(max_length=16, blank=True, default="")
    first_share_code = models.CharField(max_length=16, blank=True, default="")
    first_ref = models.CharField(max_length=32, blank=True, default="")
    last_at = models.DateTimeField()
    share_code = models.CharField(max_length=16, blank=True, default="", db_index=True)  # own code, once shared

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self) -> str:
        return self.visitor


class VisitorDay(models.Model):
    """Rollup: what one visitor did on one day (rebuilt from raw events by services.rollup_day)."""

    day = models.DateField()
    visitor = models.CharField(max_length=40)
    member_id = models.BigIntegerField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    product_views = models.PositiveIntegerField(default=0)
    carts = models.PositiveIntegerField(default=0)
    checkouts = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    via_share = models.CharField(max_length=16, blank=True, default="")
    source = models.CharField(max_length=16, blank=True, default="")
    ref = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("visitor day")
        verbose_name_plural = _("visitor days")
        constraints = [models.UniqueConstraint(fields=["day", "visitor"], name="analytics_visitorday_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.visitor}"


class ProductDay(models.Model):
    """Rollup: views, distinct viewers and add-to-cart visitors of one product on one day."""

    day = models.DateField()
    product_id = models.BigIntegerField()
    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)
    carts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("product day")
        verbose_name_plural = _("product days")
        constraints = [models.UniqueConstraint(fields=["day", "product_id"], name="analytics_productday_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.product_id}"


class RolledDay(models.Model):
    """A day whose raw events are rolled up: queries read its VisitorDay/ProductDay rows, not the events."""

    day = models.DateField(primary_key=True)
    orders = models.PositiveIntegerField(default=0)  # orders placed that day (order time), from orders.interface
    rolled_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")

    def __str__(self) -> str:
        return str(self.day)


class OrderFact(models.Model):
    """An order as the order events told it: paid when (payment time; COD at shipment), amounts, lines."""

    order_id = models.BigIntegerField(primary_key=True)
    member_id = models.BigIntegerField(db_index=True)
    total_amount = models.PositiveBigIntegerField(default=0)
    refunded_amount = models.PositiveBigIntegerField(default=0)
    payment_method = models.CharField(max_length=10, blank=True, default="")
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_day = models.DateField(null=True, blank=True)
    lines = models.JSONField(default=list)  # [{product_id, quantity, total_amount}]
    distributor_id = models.BigIntegerField(null=True, blank=True)
    distributor_code = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("order fact")
        verbose_name_plural = _("order facts")
        indexes = [models.Index(fields=["paid_day"], name="analytics_orderfact_paid_day")]

    def __str__(self) -> str:
        return f"order {self.order_id}"


class RecommendationKind(models.TextChoices):
    BOUGHT_TOGETHER = "bought_together", _("Frequently bought together")
    ALSO_VIEWED = "also_viewed", _("Also viewed")


class Recommendation(models.Model):
    """Top co-occurring products of a product (services.compute_recommendations); served from the cache."""

    kind = models.CharField(max_length=16, choices=RecommendationKind.choices)
    product_id = models.BigIntegerField()
    other_id = models.BigIntegerField()
    score = models.PositiveIntegerField()  # orders (bought together) or visitors (also viewed) with both
    rank = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["kind", "product_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "product_id", "rank"], name="analytics_recommendation_rank")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id} -> {self.other_id}"


# --- member CRM --------------------------------------------------------------------------------------------------
# A rule (tags of kind "rule" and saved segments): {"min_spent_amount": fen, "inactive_days": n,
# "bought_category_id": id, "tag_ids": [ids]}; every key present must hold (AND); paid orders only.


class TagKind(models.TextChoices):
    MANUAL = "manual", _("Manual")
    RULE = "rule", _("Rule-based")


class MemberTag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=TagKind.choices, default=TagKind.MANUAL)
    rule = models.JSONField(_("rule"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member tag")
        verbose_name_plural = _("member tags")

    def __str__(self) -> str:
        return self.name


class MemberTagging(models.Model):
    tag = models.ForeignKey(MemberTag, on_delete=models.CASCADE, related_name="taggings")
    member_id = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member tagging")
        verbose_name_plural = _("member taggings")
        constraints = [models.UniqueConstraint(fields=["tag", "member_id"], name="analytics_tagging_unique")]
        indexes = [models.Index(fields=["member_id"], name="analytics_tagging_member")]

    def __str__(self) -> str:
        return f"{self.tag_id} {self.member_id}"


class Segment(models.Model):
    """A saved audience: its rule is evaluated when asked (members change, the segment follows)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    rule = models.JSONField(_("rule"), default=dict)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name
