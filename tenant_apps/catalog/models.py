"""Catalog models (shop schema): categories, brands, products, spec groups, SKUs and the stock ledger.

Writers live in services.py; the database guards what must never be wrong (stock >= 0, unique SKU codes,
category depth) so a buggy caller cannot corrupt a shop.
"""

import posixpath
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

MAX_CATEGORY_DEPTH = 3
# 10^10 minor units = 100 million yuan: anything above is a typo, not a price.
MAX_PRICE_AMOUNT = 10**10


def shop_media_path(folder: str, filename: str) -> str:
    """`shops/<schema>/<folder>/<random><ext>`: each shop's files live under their own key prefix."""
    ext = posixpath.splitext(filename)[1].lower()[:8]
    return f"shops/{connection.schema_name}/{folder}/{uuid.uuid4().hex}{ext}"


def product_image_path(instance, filename: str) -> str:
    return shop_media_path("products", filename)


def brand_logo_path(instance, filename: str) -> str:
    return shop_media_path("brands", filename)


class Category(models.Model):
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    position = models.IntegerField(_("position"), default=0)
    # Stored so the tree can be rendered and checked without walking parents; kept by services.
    depth = models.PositiveSmallIntegerField(_("level"), default=1)

    class Meta:
        ordering = ["depth", "position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1) & Q(depth__lte=MAX_CATEGORY_DEPTH), name="category_depth_range"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=1) | Q(parent__isnull=False, depth__gt=1),
                name="category_root_depth",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    logo = models.ImageField(_("logo"), upload_to=brand_logo_path, max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("on sale")
    INACTIVE = "inactive", _("off the shelf")


class ProductQuerySet(models.QuerySet):
    def with_sales(self) -> "ProductQuerySet":
        """Annotate `sales_count` (0 for a product never sold) from ProductStats, in the same query."""
        return self.annotate(sales_count=Coalesce(F("stats__sales_count"), 0))


class Product(models.Model):
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("selling point"), max_length=200, blank=True)
    description_html = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        verbose_name=_("category"),
    )
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="products", verbose_name=_("brand")
    )
    status = models.CharField(_("status"), max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True, verbose_name=_("tags"))
    # Lowest SKU price, kept by services: lets lists sort and show "from ¥x" without touching SKUs.
    min_price_amount = models.PositiveBigIntegerField(_("lowest price"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["status", "created"], name="product_status_created"),
            models.Index(fields=["status", "min_price_amount"], name="product_status_price"),
        ]

    def __str__(self) -> str:
        return self.title


class ProductStats(models.Model):
    """Numbers that change with every order, kept off the product row: a sale must not bump the catalog
    version (no trigger on this table), so paid orders do not flush the shop's storefront caches."""

    product = models.OneToOneField(Product, primary_key=True, on_delete=models.CASCADE, related_name="stats")
    sales_count = models.PositiveIntegerField(_("sales count"), default=0)

    class Meta:
        verbose_name = _("product statistics")
        verbose_name_plural = _("product statistics")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.sales_count}"


class CatalogVersion(models.Model):
    """Counters bumped by database triggers (migration catalog 0004) on every catalog change a shopper can see.

    The sum of all shards is the shop's catalog version: storefront caches are keyed by it, so a change
    invalidates them the moment it commits. Several shards (chosen by backend pid) keep concurrent writers
    from queueing on one row; the counters are transactional, so a version is never visible before the data
    it stands for.
    """

    shard = models.PositiveSmallIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("catalog version")

    def __str__(self) -> str:
        return f"{self.shard}: {self.value}"


class ProductImage(models.Model):
    # Null while an uploaded image waits to be attached by a product create/update.
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    image = models.ImageField(
        _("image"), upload_to=product_image_path, max_length=300, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    position = models.IntegerField(_("position"), default=0)
    alt = models.CharField(_("alt text"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.image.name


class SpecGroup(models.Model):
    """One axis of the SKU matrix, e.g. 颜色 with values 红/蓝."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="spec_groups")
    name = models.CharField(_("name"), max_length=50)
    position = models.IntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("spec group")
        verbose_name_plural = _("spec groups")
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="uniq_spec_group_name")]

    def __str__(self) -> str:
        return self.name


class SpecValue(models.Model):
    group = models.ForeignKey(SpecGroup, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("value"), max_length=50)
    position = models.IntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("spec value")
        verbose_name_plural = _("spec values")
        constraints = [models.UniqueConstraint(fields=["group", "value"], name="uniq_spec_value")]

    def __str__(self) -> str:
        return self.value


class Sku(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus", verbose_name=_("product"))
    code = models.CharField(_("SKU code"), max_length=64)
    # {spec group name: value}; {} for a product without specs (its single SKU). jsonb keeps keys in its own
    # order (shorter first), not the merchant's: read them in spec-group order with `ordered_specs()`.
    specs = models.JSONField(_("specs"), default=dict, blank=True)
    price_amount = models.PositiveBigIntegerField(_("price"))
    compare_at_amount = models.PositiveBigIntegerField(_("compare-at price"), null=True, blank=True)
    cost_amount = models.PositiveBigIntegerField(_("cost"), null=True, blank=True)
    stock = models.IntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock alert at"), default=0)
    position = models.IntegerField(_("position"), default=0)
    # One of the product's images shown when a shopper picks this SKU; kept by services (same product only).
    image = models.ForeignKey(
        ProductImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("SKU image"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        constraints = [
            # One schema per shop, so unique here means unique per shop.
            models.UniqueConstraint(fields=["code"], name="uniq_sku_code"),
            models.UniqueConstraint(fields=["product", "specs"], name="uniq_sku_specs"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_not_negative"),
            models.CheckConstraint(condition=Q(price_amount__lte=MAX_PRICE_AMOUNT), name="sku_price_max"),
            models.CheckConstraint(
                condition=Q(compare_at_amount__isnull=True) | Q(compare_at_amount__lte=MAX_PRICE_AMOUNT),
                name="sku_compare_at_max",
            ),
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True) | Q(cost_amount__lte=MAX_PRICE_AMOUNT), name="sku_cost_max"
            ),
        ]

    def __str__(self) -> str:
        """What a SKU picker shows: `title · 米白 / S (SKU-…)`. Screens listing many SKUs select_related the product
        and prefetch `product__spec_groups`."""
        values = " / ".join(value for _name, value in self.ordered_specs())
        return f"{self.product.title} · {values} ({self.code})" if values else f"{self.product.title} ({self.code})"

    def ordered_specs(self) -> list[tuple[str, str]]:
        """(group name, value) in the order the merchant entered the spec groups."""
        order = {group.name: i for i, group in enumerate(self.product.spec_groups.all())}
        return sorted(self.specs.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


class StockReason(models.TextChoices):
    MANUAL = "manual", _("manual adjustment")
    IMPORT = "import", _("import")
    ORDER = "order", _("order placed")
    CANCEL = "cancel", _("order cancelled")
    RETURN = "return", _("return")
    CORRECTION = "correction", _("stocktake correction")
    INITIAL = "initial", _("initial stock")


class StockAdjustment(models.Model):
    """Append-only ledger: every stock change, who made it and why."""

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("SKU"))
    delta = models.IntegerField(_("change"))
    reason = models.CharField(_("reason"), max_length=20, choices=StockReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A platform user id; deliberately no FK: tenant tables never point into the public schema.
    actor_user_id = models.BigIntegerField(_("by"), null=True, blank=True)
    stock_after = models.IntegerField(_("stock after"))
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("stock adjustment")
        verbose_name_plural = _("stock ledger")
        indexes = [models.Index(fields=["sku", "-created"], name="stockadj_sku_created")]

    def __str__(self) -> str:
        return f"{self.sku_id} {self.delta:+d} ({self.reason})"


class LowStockNotice(models.Model):
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="low_stock_notices", verbose_name=_("SKU"))
    stock = models.IntegerField(_("stock"))
    created = models.DateTimeField(_("time"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["resolved", "-created"]
        verbose_name = _("low-stock notice")
        verbose_name_plural = _("low-stock notices")
        constraints = [
            # At most one open notice per SKU: repeated decrements below the threshold do not spam staff.
            models.UniqueConstraint(fields=["sku"], condition=Q(resolved=False), name="uniq_open_low_stock_notice")
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} stock {self.stock}"


class CatalogSettings(models.Model):
    """Per-shop catalog switches; a single row (id=1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    auto_unpublish_sold_out = models.BooleanField(_("take sold-out products off the shelf"), default=False)
    low_stock_email = models.BooleanField(_("email low-stock alerts"), default=True)

    class Meta:
        verbose_name = _("catalog settings")
        verbose_name_plural = _("catalog settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="catalog_settings_singleton")]

    def __str__(self) -> str:
        return str(_("catalog settings"))


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("queued")
    RUNNING = "running", _("importing")
    SUCCEEDED = "succeeded", _("finished")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """A bulk CSV import: progress for the UI and the per-row error report."""

    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    source = models.TextField(_("contents"))
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created_products = models.PositiveIntegerField(_("products created"), default=0)
    # [{"row": 3, "errors": {"price_amount": ["..."]}}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    actor_user_id = models.BigIntegerField(_("by"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"
