"""Shape of the product body of the merchant API (for its OpenAPI schema and 400s at the edge).

The same bounds are enforced again by services.products, with every cross-field and database check
(unknown category, duplicate SKU codes, specs outside the matrix), so every writer gets them.
"""

from rest_framework import serializers

from ..models import MAX_PRICE_AMOUNT, ProductStatus
from ..services.inventory import MAX_STOCK
from ..services.products import (
    MAX_IMAGES_PER_PRODUCT,
    MAX_SKUS_PER_PRODUCT,
    MAX_SPEC_VALUES,
    MAX_TAGS,
    MAX_WEIGHT_GRAMS,
    SKU_CODE_PATTERN,
)


def amount_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_PRICE_AMOUNT, **kwargs)


class WholeItem:
    """A spec group is always given whole, also on PATCH (unlike a SKU, which PATCH may change in part).

    DRF carries the root's `partial=True` into nested items, which would let `{"specs": [{"name": "x"}]}`
    through without its `values` (and the service then fails on it): required stays required here.
    """

    def validate(self, attrs: dict) -> dict:
        missing = [name for name, field in self.fields.items() if field.required and name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [self.fields[name].error_messages["required"]] for name in missing}
            )
        return attrs


class SpecInputSerializer(WholeItem, serializers.Serializer):
    name = serializers.CharField(max_length=50)
    values = serializers.ListField(child=serializers.CharField(max_length=50), min_length=1, max_length=MAX_SPEC_VALUES)


class SkuInputSerializer(serializers.Serializer):
    specs = serializers.DictField(child=serializers.CharField(max_length=50), required=False)
    sku_code = serializers.RegexField(SKU_CODE_PATTERN, max_length=64, required=False)
    price_amount = amount_field()
    compare_at_amount = amount_field(required=False, allow_null=True)
    cost_amount = amount_field(required=False, allow_null=True)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)
    weight_grams = serializers.IntegerField(min_value=0, max_value=MAX_WEIGHT_GRAMS, required=False)
    barcode = serializers.CharField(max_length=64, required=False, allow_blank=True)
    low_stock_threshold = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)
    image = serializers.IntegerField(min_value=1, required=False, allow_null=True)  # one of the product's images


class ProductInputSerializer(serializers.Serializer):
    """Body of POST/PATCH /manage/products. A new product is always a draft: `status` counts on PATCH only."""

    title = serializers.CharField(max_length=200)
    subtitle = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description_html = serializers.CharField(
        max_length=100_000, required=False, allow_blank=True, trim_whitespace=False
    )
    category = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    brand = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), max_length=MAX_TAGS, required=False)
    images = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=MAX_IMAGES_PER_PRODUCT, required=False
    )
    specs = SpecInputSerializer(many=True, required=False)
    skus = SkuInputSerializer(many=True, required=False, max_length=MAX_SKUS_PER_PRODUCT)
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
