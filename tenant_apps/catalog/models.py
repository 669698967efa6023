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
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    position = models.IntegerField(default=0)
    # Stored so the tree can be rendered and checked without walking parents; kept by services.
    depth = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["depth", "position", "id"]
        verbose_name = "category / 分类"
        verbose_name_plural = "categories / 分类"
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
    name = models.CharField(max_length=100, unique=True)
    logo = models.ImageField(upload_to=brand_logo_path, max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "brand / 品牌"
        verbose_name_plural = "brands / 品牌"

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "draft / 草稿"
    ACTIVE = "active", "active / 在售"
    INACTIVE = "inactive", "inactive / 已下架"


class ProductQuerySet(models.QuerySet):
    def with_sales(self) -> "ProductQuerySet":
        """Annotate `sales_count` (0 for a product never sold) from ProductStats, in the same query."""
        return self.annotate(sales_count=Coalesce(F("stats__sales_count"), 0))


class Product(models.Model):
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=200, blank=True)
    description_html = models.TextField(blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    status = models.CharField(max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # Lowest SKU price, kept by services: lets lists sort and show "from ¥x" without touching SKUs.
    min_price_amount = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "product / 商品"
        verbose_name_plural = "products / 商品"
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
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=product_image_path, max_length=300, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.IntegerField(default=0)
    alt = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "product image / 商品图片"
        verbose_name_plural = "product images / 商品图片"

    def __str__(self) -> str:
        return self.image.name


class SpecGroup(models.Model):
    """One axis of the SKU matrix, e.g. 颜色 with values 红/蓝."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="spec_groups")
    name = models.CharField(max_length=50)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="uniq_spec_group_name")]

    def __str__(self) -> str:
        return self.name


class SpecValue(models.Model):
    group = models.ForeignKey(SpecGroup, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=50)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "value"], name="uniq_spec_value")]

    def __str__(self) -> str:
        return self.value


class Sku(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(max_length=64)
    # {spec group name: value}; {} for a product without specs (its single SKU).
    specs = models.JSONField(default=dict, blank=True)
    price_amount = models.PositiveBigIntegerField()
    compare_at_amount = models.PositiveBigIntegerField(null=True, blank=True)
    cost_amount = models.PositiveBigIntegerField(null=True, blank=True)
    stock = models.IntegerField(default=0)
    weight_grams = models.PositiveIntegerField(default=0)
    barcode = models.CharField(max_length=64, blank=True)
    low_stock_threshold = models.PositiveIntegerField(default=0)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "SKU"
        verbose_name_plural = "SKUs"
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
        return self.code


class StockReason(models.TextChoices):
    MANUAL = "manual", "manual / 手动调整"
    IMPORT = "import", "import / 导入"
    ORDER = "order", "order / 下单"
    CANCEL = "cancel", "cancel / 取消订单"
    RETURN = "return", "return / 退货"
    CORRECTION = "correction", "correction / 盘点更正"
    INITIAL = "initial", "initial / 初始库存"


class StockAdjustment(models.Model):
    """Append-only ledger: every stock change, who made it and why."""

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="adjustments")
    delta = models.IntegerField()
    reason = models.CharField(max_length=20, choices=StockReason.choices)
    note = models.CharField(max_length=200, blank=True)
    # A platform user id; deliberately no FK: tenant tables never point into the public schema.
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    stock_after = models.IntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "stock adjustment / 库存流水"
        verbose_name_plural = "stock adjustments / 库存流水"
        indexes = [models.Index(fields=["sku", "-created"], name="stockadj_sku_created")]

    def __str__(self) -> str:
        return f"{self.sku_id} {self.delta:+d} ({self.reason})"


class LowStockNotice(models.Model):
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="low_stock_notices")
    stock = models.IntegerField()
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["resolved", "-created"]
        verbose_name = "low-stock notice / 库存预警"
        verbose_name_plural = "low-stock notices / 库存预警"
        constraints = [
            # At most one open notice per SKU: repeated decrements below the threshold do not spam staff.
            models.UniqueConstraint(fields=["sku"], condition=Q(resolved=False), name="uniq_open_low_stock_notice")
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} stock {self.stock}"


class CatalogSettings(models.Model):
    """Per-shop catalog switches; a single row (id=1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    auto_unpublish_sold_out = models.BooleanField(default=False)
    low_stock_email = models.BooleanField(default=True)

    class Meta:
        verbose_name = "catalog settings / 商品设置"
        verbose_name_plural = "catalog settings / 商品设置"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="catalog_settings_singleton")]

    def __str__(self) -> str:
        return "catalog settings"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "pending / 排队中"
    RUNNING = "running", "running / 导入中"
    SUCCEEDED = "succeeded", "succeeded / 已完成"
    FAILED = "failed", "failed / 失败"


class ImportJob(models.Model):
    """A bulk CSV import: progress for the UI and the per-row error report."""

    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    filename = models.CharField(max_length=200, blank=True)
    source = models.TextField()
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_products = models.PositiveIntegerField(default=0)
    # [{"row": 3, "errors": {"price_amount": ["..."]}}]
    errors = models.JSONField(default=list, blank=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "product import / 商品导入"
        verbose_name_plural = "product imports / 商品导入"

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"
