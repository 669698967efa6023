"""Promotions API shapes. Serializers check only the JSON shape; the services check the rules (tiers in order,
percent 1-99, SKUs of this shop...) and answer with the same field paths (`tiers.1.percent_off`)."""

from rest_framework import serializers

from tenant_apps.marketing.interface import ScopeInput

from ..models import RuleKind

BIG = 2**63 - 1


class RuleScopeSerializer(ScopeInput):
    pass


class TierSerializer(serializers.Serializer):
    """The fields of the rule's kind (others are refused by the service or ignored)."""

    threshold_amount = serializers.IntegerField(required=False, help_text="满减/满折/满赠: eligible amount in fen")
    threshold_quantity = serializers.IntegerField(required=False, help_text="N元N件 / n-th item: number of items")
    reduce_amount = serializers.IntegerField(required=False, help_text="满减: fen off")
    percent_off = serializers.IntegerField(required=False, help_text="满折 / n-th item: share taken off, 1-99")
    gift_sku_id = serializers.IntegerField(required=False, help_text="满赠: one gift SKU")
    gift_sku_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="满赠: gift SKUs, the first in stock is given"
    )
    bundle_price_amount = serializers.IntegerField(required=False, help_text="N元N件: price of the N items, fen")


class RuleInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    tiers = serializers.ListField(child=serializers.DictField(), allow_empty=True)
    repeat = serializers.BooleanField(required=False, default=False)
    cap_amount = serializers.IntegerField(required=False, allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    scope = RuleScopeSerializer(required=False)
    group_id = serializers.IntegerField(required=False, allow_null=True)
    publish = serializers.BooleanField(required=False, default=False, help_text="publish at once (else a draft)")


class RulePatch(RuleInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class RuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="title")
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    tiers = TierSerializer(many=True)
    repeat = serializers.BooleanField()
    cap_amount = serializers.IntegerField(allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    scope = RuleScopeSerializer()
    group_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text="draft, scheduled, running, paused, ended or invalidated (now)")
    labels = serializers.ListField(child=serializers.CharField(), help_text="the tags shoppers see, e.g. 满299减30")


class StatusInput(serializers.Serializer):
    action = serializers.CharField(help_text="publish, pause, resume, end or invalidate")


class GroupInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    excludes = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIG), required=False, default=list
    )


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    excludes = serializers.ListField(child=serializers.IntegerField(), help_text="ids of groups never combined")


class ItemInput(serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1, max_value=BIG)
    price_amount = serializers.IntegerField()


class LimitedDiscountInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    items = ItemInput(many=True)
    publish = serializers.BooleanField(required=False, default=False)


class LimitedDiscountPatch(LimitedDiscountInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class DiscountItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    price_amount = serializers.IntegerField()


class LimitedDiscountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.CharField()
    items = DiscountItemSerializer(many=True)


class MemberPricesInput(serializers.Serializer):
    items = ItemInput(many=True)


class MemberPriceSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    price_amount = serializers.IntegerField()


class SimulatedItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField(min_value=1, max_value=BIG)
    quantity = serializers.IntegerField(min_value=1, max_value=9999)


class SimulateInput(serializers.Serializer):
    items = SimulatedItemSerializer(many=True, allow_empty=False, max_length=100)
    member_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=BIG)


class ProgressInput(serializers.Serializer):
    items = SimulatedItemSerializer(many=True, allow_empty=True, max_length=100)


class AllocationSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    amount = serializers.IntegerField()


class AppliedRuleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    amount = serializers.IntegerField()
    lines = AllocationSerializer(many=True)


class SimulatedLineSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    list_price_amount = serializers.IntegerField()
    unit_price_amount = serializers.IntegerField()
    price_source = serializers.CharField(help_text="list, activity, limited_discount or member_price")
    subtotal_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()


class SimulatedGiftSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    quantity = serializers.IntegerField()
    code = serializers.CharField()


class SimulationSerializer(serializers.Serializer):
    lines = SimulatedLineSerializer(many=True)
    gifts = SimulatedGiftSerializer(many=True)
    applied = AppliedRuleSerializer(many=True)
    subtotal_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    shipping_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()


class HintSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    text = serializers.CharField(help_text="e.g. 再买¥20 减¥30")
    missing_amount = serializers.IntegerField(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    applied = AppliedRuleSerializer(many=True)
    hints = HintSerializer(many=True)
    discount_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField()
