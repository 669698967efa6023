"""Shops (one PostgreSQL schema each) and the hosts that serve them. Public schema."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class ShopStatus(models.TextChoices):
    ACTIVE = "active", _("Open")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Shop(TenantMixin):
    name = models.CharField(_("name"), max_length=100)
    subdomain = models.CharField(_("subdomain"), max_length=63, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=ShopStatus.choices, default=ShopStatus.ACTIVE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_shops",
        null=True,
        blank=True,
        verbose_name=_("owner"),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.SET_NULL,
        related_name="shops",
        null=True,
        blank=True,
        verbose_name=_("agency"),
    )
    template = models.CharField(_("template"), max_length=50, blank=True, default="")
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # A template's live demo: anyone may browse it, nobody may change it or become its owner.
    is_demo = models.BooleanField(_("demo shop"), default=False)
    # The merchant's Stripe connected account (acct_…): shop payments are charged on it (Stripe-Account header)
    # and Connect webhooks are routed back to the shop by it.
    stripe_account_id = models.CharField(_("Stripe account"), max_length=64, blank=True, default="")

    # Schemas are created by the provisioning service (pool or migrate), never implicitly by save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_account_id"], condition=~models.Q(stripe_account_id=""), name="uniq_shop_stripe_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.subdomain})"

    @property
    def is_open(self) -> bool:
        return self.status == ShopStatus.ACTIVE


class Domain(DomainMixin):
    """A host serving a shop: its `<subdomain>.ROOT_DOMAIN` and any attached custom domains."""

    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        ordering = ["id"]


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    STAFF = "staff", _("Staff")
    FINANCE = "finance", _("Finance")


class ShopMembership(models.Model):
    """A platform user's role on one shop; one login reaches every shop the user belongs to."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("shop"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop membership")
        verbose_name_plural = _("shop memberships")
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="uniq_membership_shop_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop.subdomain}: {self.role}"


class SpareSchema(models.Model):
    """A pre-migrated, empty shop schema waiting in the pool; signup claims one instead of migrating.

    `migration_state` fingerprints the tenant migrations applied to the schema; only spares whose
    fingerprint equals the running code's are ever handed out. A claimed spare's row is deleted in the
    transaction that creates the shop on its schema, so every shop_* schema is either a shop or a spare.
    """

    schema_name = models.CharField(_("schema name"), max_length=63, unique=True)
    migration_state = models.CharField(_("migration state"), max_length=80, db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("spare schema")
        verbose_name_plural = _("spare schemas")

    def __str__(self) -> str:
        return f"{self.schema_name} ({self.migration_state[:12]})"


class CustomDomainStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")


class CustomDomain(models.Model):
    """A domain an owner wants to attach. It routes (gets a Domain row) only once ownership is proven."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="custom_domains", verbose_name=_("shop"))
    # Not unique alone: several shops may claim a domain (no squatting by a pending claim); the first to
    # prove control gets the unique tenancy.Domain row and the other claims are dropped.
    domain = models.CharField(_("domain"), max_length=253, db_index=True)
    token = models.CharField(_("verification token"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=CustomDomainStatus.choices, default=CustomDomainStatus.PENDING
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    last_check_error = models.CharField(_("last check error"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("custom domain")
        verbose_name_plural = _("custom domains")
        constraints = [models.UniqueConstraint(fields=["shop", "domain"], name="uniq_custom_domain_per_shop")]

    def __str__(self) -> str:
        # Merchants read this in their back office: no internal shop id (and none yet while it is being added).
        return f"{self.domain} ({self.status})"


class PendingEventsMark(models.Model):
    """ "This shop has outbox events that may be undelivered": written by the shop's publisher in its own
    transaction, so the sweep drains only marked shops (no job scans every shop schema). See docs/events.md.

    Several rows per shop (shard = publisher's backend pid % 8) so concurrent checkouts of one shop do not
    queue on one row lock; the drain deletes them only when the shop's outbox has nothing left to deliver.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    marked = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "shard"], name="uniq_pending_events_mark")]

    def __str__(self) -> str:
        return f"{self.shop_id}/{self.shard}"


class PlatformEventReceipt(models.Model):
    """A shop event handled by one public-schema subscriber: makes the platform door idempotent by event id."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField()
    handler = models.CharField(max_length=200)
    name = models.CharField(max_length=100)
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id", "handler"], name="uniq_platform_event_receipt")]

    def __str__(self) -> str:
        return f"{self.name} {self.event_id} -> {self.handler}"
