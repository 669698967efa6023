"""Storefront API shapes for cart, addresses and the checkout preview."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..quotes import MAX_LINES, MAX_QUANTITY


class ItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class PreviewRequestSerializer(serializers.Serializer):
    items = serializers.ListField(child=ItemSerializer(), allow_empty=False, max_length=MAX_LINES)
    address_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    coupon_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=64, help_text="Not available yet (marketing)."
    )
    points = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10**9, help_text="Not available yet (marketing)."
    )

    def validate_coupon_code(self, value):
        if value:
            raise serializers.ValidationError(_("Coupons are not available yet."))
        return value

    def validate_points(self, value):
        if value:
            raise serializers.ValidationError(_("Paying with points is not available yet."))
        return value


class QuotedLineSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    title = serializers.CharField()
    specs = serializers.DictField(child=serializers.CharField())
    image_url = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    unit_price_amount = serializers.IntegerField()
    subtotal_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()


class AppliedLineSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    amount = serializers.IntegerField()


class AppliedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    amount = serializers.IntegerField()
    lines = AppliedLineSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    lines = QuotedLineSerializer(many=True)
    subtotal_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    shipping_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()
    currency = serializers.CharField()
    address_id = serializers.IntegerField(allow_null=True)
    applied = AppliedSerializer(many=True)
