from rest_framework import serializers

from tenant_apps.checkout.interface import MAX_QUANTITY
from tenant_apps.marketing.interface import ScopeInput

from ..models import CouponKind, MemberCouponStatus, Validity

BIG = 2**62


class ScopeSerializer(ScopeInput):
    pass


class CouponInput(serializers.Serializer):
    """A coupon template. Ranges (percent 1-99, stock not below what was issued...) are checked by the service,
    which answers every field at once."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CouponKind.choices)
    amount = serializers.IntegerField(required=False, min_value=0, max_value=BIG, help_text="fen; fixed/shipping")
    amount_min = serializers.IntegerField(required=False, min_value=0, max_value=BIG, help_text="fen; random")
    amount_max = serializers.IntegerField(required=False, min_value=0, max_value=BIG, help_text="fen; random")
    percent_off = serializers.IntegerField(
        required=False, min_value=-BIG, max_value=BIG, help_text="1-99, the share taken off (8.8折 = 12)"
    )
    max_discount_amount = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=BIG)
    threshold_amount = serializers.IntegerField(required=False, min_value=0, max_value=BIG)
    full_price_only = serializers.BooleanField(required=False)
    total_quantity = serializers.IntegerField(min_value=-BIG, max_value=BIG)
    per_member_limit = serializers.IntegerField(required=False, min_value=-BIG, max_value=BIG)
    per_member_daily_limit = serializers.IntegerField(required=False, min_value=-BIG, max_value=BIG)
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField()
    validity = serializers.ChoiceField(choices=Validity.choices, required=False)
    valid_after_days = serializers.IntegerField(required=False, min_value=-BIG, max_value=BIG)
    valid_days = serializers.IntegerField(required=False, min_value=-BIG, max_value=BIG)
    scope = ScopeSerializer(required=False)
    self_claim = serializers.BooleanField(required=False)
    issue_on_register = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class UsageSerializer(serializers.Serializer):
    unused = serializers.IntegerField()
    locked = serializers.IntegerField()
    used = serializers.IntegerField()
    void = serializers.IntegerField()


class CouponSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=CouponKind.choices)
    amount = serializers.IntegerField()
    amount_min = serializers.IntegerField()
    amount_max = serializers.IntegerField()
    percent_off = serializers.IntegerField()
    max_discount_amount = serializers.IntegerField(allow_null=True)
    threshold_amount = serializers.IntegerField()
    full_price_only = serializers.BooleanField()
    total_quantity = serializers.IntegerField()
    issued_count = serializers.IntegerField()
    remaining = serializers.IntegerField()
    per_member_limit = serializers.IntegerField()
    per_member_daily_limit = serializers.IntegerField()
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField()
    validity = serializers.ChoiceField(choices=Validity.choices)
    valid_after_days = serializers.IntegerField()
    valid_days = serializers.IntegerField()
    scope = serializers.SerializerMethodField()
    self_claim = serializers.BooleanField()
    issue_on_register = serializers.BooleanField()
    is_active = serializers.BooleanField()
    created = serializers.DateTimeField()

    def get_scope(self, coupon) -> ScopeSerializer:
        return {
            "products": coupon.products,
            "categories": coupon.categories,
            "exclude_products": coupon.exclude_products,
            "exclude_categories": coupon.exclude_categories,
        }


class CouponDetailSerializer(CouponSerializer):
    usage = serializers.SerializerMethodField()

    def get_usage(self, coupon) -> UsageSerializer:
        return self.context["usage"]


class IssueInput(serializers.Serializer):
    member_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=BIG), max_length=10000)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


class IssueResponse(serializers.Serializer):
    issued = serializers.IntegerField()


class AvailableSerializer(serializers.Serializer):
    """A coupon offered in the coupon centre."""

    id = serializers.IntegerField(source="coupon.id")
    name = serializers.CharField(source="coupon.name")
    kind = serializers.ChoiceField(source="coupon.kind", choices=CouponKind.choices)
    amount = serializers.IntegerField(source="coupon.amount")
    amount_min = serializers.IntegerField(source="coupon.amount_min")
    amount_max = serializers.IntegerField(source="coupon.amount_max")
    percent_off = serializers.IntegerField(source="coupon.percent_off")
    max_discount_amount = serializers.IntegerField(source="coupon.max_discount_amount", allow_null=True)
    threshold_amount = serializers.IntegerField(source="coupon.threshold_amount")
    valid_from = serializers.DateTimeField(source="coupon.valid_from")
    valid_to = serializers.DateTimeField(source="coupon.valid_to")
    validity = serializers.ChoiceField(source="coupon.validity", choices=Validity.choices)
    valid_after_days = serializers.IntegerField(source="coupon.valid_after_days")
    valid_days = serializers.IntegerField(source="coupon.valid_days")
    remaining = serializers.IntegerField(source="coupon.remaining")
    held = serializers.IntegerField()
    can_claim = serializers.BooleanField()


class ClaimResponse(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=MemberCouponStatus.choices)
    valid_to = serializers.DateTimeField()


class MemberCouponSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=MemberCouponStatus.choices)
    kind = serializers.ChoiceField(choices=CouponKind.choices)
    amount = serializers.IntegerField()
    percent_off = serializers.IntegerField()
    max_discount_amount = serializers.IntegerField(allow_null=True)
    threshold_amount = serializers.IntegerField()
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField()
    order_number = serializers.CharField(allow_blank=True)


class CartItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class UsableInput(serializers.Serializer):
    items = serializers.ListField(child=CartItemSerializer(), allow_empty=False, max_length=100)
    address_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=BIG)


class UsableSerializer(MemberCouponSerializer):
    """One of the member's coupons for this cart: what it would save (discount + shipping), best first."""

    saving_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()
