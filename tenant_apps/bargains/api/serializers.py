"""Bargain API shapes (API.md, "marketing"). Input serializers check types; the services check the rules."""

from rest_framework import serializers

from tenant_apps.marketing.interface import ActivityInput, ActivitySerializer, PartialInput

from ..models import CutMode, SessionStatus

ID = {"min_value": 1, "max_value": 2**63 - 1}


class BargainInput(ActivityInput):
    sku_id = serializers.IntegerField(**ID)
    floor_price_amount = serializers.IntegerField(min_value=1, max_value=10**11)
    helpers_needed = serializers.IntegerField(min_value=1, max_value=100)
    hours = serializers.IntegerField(min_value=1, max_value=168, help_text="time limit of one bargain session")
    stock = serializers.IntegerField(min_value=0, max_value=10**7)
    cut_mode = serializers.ChoiceField(choices=CutMode.choices, required=False)
    pay_at_any_price = serializers.BooleanField(
        required=False, help_text="false: buy only at the floor price; true: at any current price"
    )
    per_helper_limit = serializers.IntegerField(
        min_value=0, max_value=10**7, required=False, help_text="sessions one member may help (0: no limit)"
    )


class BargainPatchInput(PartialInput, BargainInput):
    pass


class BargainSerializer(ActivitySerializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    floor_price_amount = serializers.IntegerField()
    helpers_needed = serializers.IntegerField()
    hours = serializers.IntegerField()
    stock = serializers.IntegerField()
    sold = serializers.IntegerField()
    remaining = serializers.IntegerField()
    cut_mode = serializers.ChoiceField(choices=CutMode.choices)
    pay_at_any_price = serializers.BooleanField()
    per_helper_limit = serializers.IntegerField()


class ManageSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    start_price_amount = serializers.IntegerField()
    current_price_amount = serializers.IntegerField()
    floor_price_amount = serializers.IntegerField()
    helps = serializers.IntegerField()
    helpers_needed = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    order_number = serializers.CharField()
    created = serializers.DateTimeField()


class StoreBargainSerializer(ActivitySerializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    item_title = serializers.CharField()
    image_url = serializers.CharField(allow_null=True)
    list_price_amount = serializers.IntegerField()
    floor_price_amount = serializers.IntegerField()
    helpers_needed = serializers.IntegerField()
    hours = serializers.IntegerField()
    pay_at_any_price = serializers.BooleanField()
    remaining = serializers.IntegerField()


class StartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    current_price_amount = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class HelpedSerializer(serializers.Serializer):
    cut_amount = serializers.IntegerField()
    current_price_amount = serializers.IntegerField()


class HelperSerializer(serializers.Serializer):
    initial = serializers.CharField()
    cut_amount = serializers.IntegerField()
    created = serializers.DateTimeField()


class MyBargainSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity_id = serializers.IntegerField()
    title = serializers.CharField()
    item_title = serializers.CharField()
    image_url = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    current_price_amount = serializers.IntegerField()
    floor_price_amount = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    order_id = serializers.IntegerField(allow_null=True, help_text="on the share page: shown to the owner only")


class StoreBargainSessionSerializer(MyBargainSessionSerializer):
    sku_id = serializers.IntegerField()
    start_price_amount = serializers.IntegerField()
    helpers_needed = serializers.IntegerField()
    helps = serializers.IntegerField()
    helpers = HelperSerializer(many=True)
    pay_at_any_price = serializers.BooleanField()
    is_owner = serializers.BooleanField(help_text="the signed-in member started this bargain")
    helped = serializers.BooleanField(help_text="the signed-in member has helped this bargain")
    can_buy = serializers.BooleanField(help_text="the owner may order it now, at current_price_amount")
    share_url = serializers.CharField()
    qr_url = serializers.CharField()
    poster_url = serializers.CharField()


class BargainErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
