"""Merchant API payloads. Product request shapes live in inputs.py."""

from django.core.validators import validate_unicode_slug
from django.utils.translation import gettext as _
from rest_framework import serializers

from ..models import (
    Brand,
    CatalogSettings,
    Category,
    ImportJob,
    LowStockNotice,
    Product,
    ProductImage,
    Sku,
    StockAdjustment,
    StockReason,
)
from .inputs import ProductInputSerializer, SkuInputSerializer, SpecInputSerializer

__all__ = ["ProductInputSerializer", "SkuInputSerializer", "SpecInputSerializer"]


class ManageProductImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["id", "url", "width", "height", "alt", "position", "product"]

    def get_url(self, image: ProductImage) -> str:
        return image.image.url


class ManageSkuSerializer(serializers.ModelSerializer):
    sku_code = serializers.CharField(source="code")

    class Meta:
        model = Sku
        fields = [
            "id",
            "sku_code",
            "specs",
            "price_amount",
            "compare_at_amount",
            "cost_amount",
            "stock",
            "weight_grams",
            "barcode",
            "low_stock_threshold",
            "image",
        ]


class ManageProductSerializer(serializers.ModelSerializer):
    images = ManageProductImageSerializer(many=True)
    specs = serializers.SerializerMethodField()
    skus = ManageSkuSerializer(many=True)
    sales_count = serializers.IntegerField(read_only=True)  # annotated from ProductStats by the selectors

    class Meta:
        model = Product
        fields = [
            "id",
            "title",
            "subtitle",
            "description_html",
            "category",
            "brand",
            "tags",
            "status",
            "sales_count",
            "min_price_amount",
            "images",
            "specs",
            "skus",
            "created",
            "updated",
        ]

    def get_specs(self, product: Product) -> list[dict]:
        return [{"name": g.name, "values": [v.value for v in g.values.all()]} for g in product.spec_groups.all()]


def unicode_slug(value: str) -> None:
    """Django's slug check, wrapped so drf-spectacular does not publish its `^[-\\w]+$` pattern: JSON Schema's
    \\w is ASCII-only, so the schema would call valid slugs such as `女装` invalid."""
    validate_unicode_slug(value)


class ManageCategorySerializer(serializers.ModelSerializer):
    slug = serializers.CharField(
        max_length=120, required=False, validators=[unicode_slug], help_text="letters of any script, digits, - and _"
    )

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "parent", "position", "depth"]
        read_only_fields = ["depth"]
        extra_kwargs = {"parent": {"queryset": Category.objects.all()}}


class ManageBrandSerializer(serializers.ModelSerializer):
    logo_url = serializers.SerializerMethodField()

    class Meta:
        model = Brand
        fields = ["id", "name", "logo_url"]
        extra_kwargs = {"name": {"validators": []}}

    def get_logo_url(self, brand: Brand) -> str | None:
        return brand.logo.url if brand.logo else None


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField()
    alt = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="UTF-8 CSV, one row per SKU (columns: services/imports.py CSV_COLUMNS)")


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = ["id", "status", "filename", "total", "processed", "created_products", "errors", "created", "finished"]


class StockAdjustmentInputSerializer(serializers.Serializer):
    delta = serializers.IntegerField(min_value=-(10**9), max_value=10**9)
    reason = serializers.ChoiceField(
        choices=[StockReason.MANUAL, StockReason.CORRECTION, StockReason.RETURN], default=StockReason.MANUAL
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_delta(self, value: int) -> int:
        if value == 0:
            raise serializers.ValidationError(_("Must not be 0."))
        return value


class StockAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockAdjustment
        fields = ["id", "sku", "delta", "reason", "note", "actor_user_id", "stock_after", "created"]


class LowStockNoticeSerializer(serializers.ModelSerializer):
    sku_code = serializers.CharField(source="sku.code")
    product = serializers.IntegerField(source="sku.product_id")
    threshold = serializers.IntegerField(source="sku.low_stock_threshold")

    class Meta:
        model = LowStockNotice
        fields = ["id", "sku", "sku_code", "product", "stock", "threshold", "created", "resolved"]


class CatalogSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogSettings
        fields = ["auto_unpublish_sold_out", "low_stock_email"]
