"""Storefront API shapes for cart, addresses and the checkout preview."""

from rest_framework import serializers

from ..extensions import ACTIVITY_TYPES
from ..quotes import MAX_LINES, MAX_QUANTITY


class ItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class PreviewActivitySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ACTIVITY_TYPES)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    group_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)


class PreviewRequestSerializer(serializers.Serializer):
    items = serializers.ListField(child=ItemSerializer(), allow_empty=False, max_length=MAX_LINES)
    address_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    coupon_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=64, help_text="a code from GET store/coupons"
    )
    points = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10**9, help_text="points to spend on this order"
    )
    activity = PreviewActivitySerializer(required=False, allow_null=True)


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


class GiftSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    quantity = serializers.IntegerField()
    code = serializers.CharField(help_text="the rule that gives it")


class PreviewSerializer(serializers.Serializer):
    lines = QuotedLineSerializer(many=True)
    gifts = GiftSerializer(many=True)
    points_used = serializers.IntegerField()
    shipping_discount_amount = serializers.IntegerField()
    subtotal_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    shipping_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()
    currency = serializers.CharField()
    address_id = serializers.IntegerField(allow_null=True)
    applied = AppliedSerializer(many=True)


class CartItemRequestSerializer(ItemSerializer):
    pass


class CartLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=MAX_QUANTITY)
    selected = serializers.BooleanField(required=False)


class CartSelectSerializer(serializers.Serializer):
    selected = serializers.BooleanField()


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    title = serializers.CharField()
    specs = serializers.DictField(child=serializers.CharField())
    image_url = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    selected = serializers.BooleanField()
    unit_price_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()
    stock = serializers.IntegerField()
    stock_state = serializers.ChoiceField(choices=["in_stock", "insufficient", "sold_out", "unavailable"])


class CartSerializer(serializers.Serializer):
    lines = CartLineSerializer(many=True)
    count = serializers.IntegerField(help_text="items in the cart")
    selected_count = serializers.IntegerField(help_text="items selected and buyable now")
    subtotal_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField(help_text="selected, buyable lines; shipping comes at checkout")
    currency = serializers.CharField()
    checkout_items = ItemSerializer(many=True, help_text="what to send to checkout preview / orders")


class AddressSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, help_text="mainland China mobile number, 11 digits")
    province = serializers.CharField(max_length=20)
    city = serializers.CharField(max_length=50)
    district = serializers.CharField(max_length=50)
    line1 = serializers.CharField(max_length=200)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=6)
    is_default = serializers.BooleanField(required=False)
    created = serializers.DateTimeField(read_only=True)
