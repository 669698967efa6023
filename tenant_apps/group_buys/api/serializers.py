"""Group-buy API shapes (API.md, "marketing"). Input serializers check types; the services check the rules."""

from rest_framework import serializers

from tenant_apps.marketing.interface import ActivityInput, ActivitySerializer, PartialInput

from ..models import GroupStatus

ID = {"min_value": 1, "max_value": 2**63 - 1}
AMOUNT = {"min_value": 0, "max_value": 10**11}


class GroupBuyLadderTierSerializer(serializers.Serializer):
    group_size = serializers.IntegerField(min_value=2, max_value=100)
    price_amount = serializers.IntegerField(min_value=1, max_value=10**11)


class GroupBuyItemInput(serializers.Serializer):
    sku_id = serializers.IntegerField(**ID)
    price_amount = serializers.IntegerField(min_value=1, max_value=10**11)
    stock = serializers.IntegerField(min_value=0, max_value=10**7)
    ladder = GroupBuyLadderTierSerializer(many=True, required=False, help_text="other group sizes and their prices")


class GroupBuyInput(ActivityInput):
    group_size = serializers.IntegerField(min_value=2, max_value=100)
    hours_to_form = serializers.IntegerField(min_value=1, max_value=168)
    per_order_limit = serializers.IntegerField(min_value=0, max_value=10**7, required=False, help_text="0: no limit")
    per_member_limit = serializers.IntegerField(min_value=0, max_value=10**7, required=False, help_text="0: no limit")
    leader_discount_amount = serializers.IntegerField(required=False, **AMOUNT)
    autofill_percent = serializers.IntegerField(
        min_value=0, max_value=100, required=False, help_text="auto-fill at the deadline from this share (0: never)"
    )
    items = GroupBuyItemInput(many=True, max_length=50)


class GroupBuyPatchInput(PartialInput, GroupBuyInput):
    pass


class GroupBuyItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    price_amount = serializers.IntegerField()
    ladder = GroupBuyLadderTierSerializer(many=True)
    stock = serializers.IntegerField()
    sold = serializers.IntegerField()
    remaining = serializers.IntegerField()


class GroupBuySerializer(ActivitySerializer):
    group_size = serializers.IntegerField()
    hours_to_form = serializers.IntegerField()
    per_order_limit = serializers.IntegerField()
    per_member_limit = serializers.IntegerField()
    leader_discount_amount = serializers.IntegerField()
    autofill_percent = serializers.IntegerField()
    items = GroupBuyItemSerializer(many=True)


class GroupSeatSerializer(serializers.Serializer):
    initial = serializers.CharField()
    is_leader = serializers.BooleanField()
    is_virtual = serializers.BooleanField()


class StoreGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=GroupStatus.choices)
    group_size = serializers.IntegerField()
    joined = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    seats = GroupSeatSerializer(many=True)
    share_url = serializers.CharField()
    qr_url = serializers.CharField()
    poster_url = serializers.CharField()
    seated = serializers.BooleanField(help_text="the signed-in member holds a seat in this group")


class ManageGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=GroupStatus.choices)
    group_size = serializers.IntegerField()
    joined = serializers.IntegerField()
    virtual_members = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    created = serializers.DateTimeField()
    orders = serializers.ListField(child=serializers.CharField())


class StoreGroupBuyItemSerializer(serializers.Serializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    title = serializers.CharField()
    specs = serializers.DictField(child=serializers.CharField())
    image_url = serializers.CharField(allow_null=True)
    list_price_amount = serializers.IntegerField()
    price_amount = serializers.IntegerField()
    leader_price_amount = serializers.IntegerField()
    ladder = GroupBuyLadderTierSerializer(many=True)
    remaining = serializers.IntegerField()


class OpenGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    group_size = serializers.IntegerField()
    joined = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class StoreGroupBuySerializer(ActivitySerializer):
    group_size = serializers.IntegerField()
    group_sizes = serializers.ListField(child=serializers.IntegerField())
    hours_to_form = serializers.IntegerField()
    per_order_limit = serializers.IntegerField()
    leader_discount_amount = serializers.IntegerField()
    items = StoreGroupBuyItemSerializer(many=True)
    open_groups = OpenGroupSerializer(many=True)


class GroupBuyErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
