"""Storefront API: query validation and response shapes (documented in the OpenAPI schema)."""

from rest_framework import serializers

from tenant_apps.catalog.interface import (
    MAX_PRICE_AMOUNT,
    MAX_QUERY_LENGTH,
    SORTS,
    ProductFilter,
    brand_exists,
    category_ids_for,
)


class ProductQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_QUERY_LENGTH)
    category = serializers.CharField(required=False, max_length=120, help_text="category id or slug (with descendants)")
    brand = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    min_price = serializers.IntegerField(required=False, min_value=0, max_value=MAX_PRICE_AMOUNT)
    max_price = serializers.IntegerField(required=False, min_value=0, max_value=MAX_PRICE_AMOUNT)
    in_stock = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=SORTS, required=False, default="relevance")

    def validate_category(self, value: str) -> tuple[int, ...]:
        ids = category_ids_for(value)
        if not ids:
            raise serializers.ValidationError("未知的分类。 / Unknown category.")
        return ids

    def validate_brand(self, value: int) -> int:
        if not brand_exists(value):
            raise serializers.ValidationError("未知的品牌。 / Unknown brand.")
        return value

    def validate(self, attrs: dict) -> dict:
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"max_price": ["最高价不能低于最低价。 / max_price must not be below min_price."]}
            )
        return attrs

    def to_filter(self) -> ProductFilter:
        data = self.validated_data
        return ProductFilter(
            q=data.get("q", "").strip(),
            category_ids=data.get("category"),
            brand_id=data.get("brand"),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=data["in_stock"],
            sort=data["sort"],
        )


class ProductCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    price_amount = serializers.IntegerField(help_text="lowest SKU price, minor units")
    currency = serializers.CharField()
    image_url = serializers.CharField(allow_null=True)
    sales_count = serializers.IntegerField()
    in_stock = serializers.BooleanField()


class ProductImageSerializer(serializers.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()


class SpecSerializer(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())


class StoreSkuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    specs = serializers.DictField(child=serializers.CharField())
    price_amount = serializers.IntegerField()
    compare_at_amount = serializers.IntegerField(allow_null=True)
    stock = serializers.IntegerField()


class ProductDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    description_html = serializers.CharField()
    currency = serializers.CharField()
    price_amount = serializers.IntegerField(help_text="lowest unit price now (pricing seam)")
    from_price = serializers.BooleanField(help_text='SKU prices differ: show "¥129.00 起"')
    sales_count = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    images = ProductImageSerializer(many=True)
    specs = SpecSerializer(many=True)
    skus = StoreSkuSerializer(many=True)
    share_url = serializers.CharField()
    qr_url = serializers.CharField()


class CategoryNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())
