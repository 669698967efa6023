from django.utils.translation import gettext as _
from rest_framework import serializers


class PlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.SerializerMethodField()
    interval = serializers.CharField()
    price_amount = serializers.IntegerField()
    currency = serializers.CharField()
    technical_fee_bps = serializers.IntegerField()
    trial_days = serializers.IntegerField()

    def get_name(self, plan) -> str:
        return _(plan.name)


class SubscriptionSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.code")
    status = serializers.CharField()
    current_period_end = serializers.DateTimeField()
    cancel_at_period_end = serializers.BooleanField()


class SubscriptionRequestSerializer(serializers.Serializer):
    plan = serializers.CharField(max_length=40)
    cancel_at_period_end = serializers.BooleanField(
        required=False, help_text="true: cancel at the end of the current period; false: keep renewing."
    )


class InvoiceLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.IntegerField()


class InvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    lines = InvoiceLineSerializer(many=True)
    total_amount = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.CharField()


class FeeEntrySerializer(serializers.Serializer):
    event_name = serializers.CharField()
    order_number = serializers.CharField()
    gmv_amount = serializers.IntegerField()
    technical_fee_bps = serializers.IntegerField()
    fee_amount = serializers.IntegerField()
    currency = serializers.CharField()
    collected_by_stripe = serializers.BooleanField()
    occurred_at = serializers.DateTimeField()


class RevenueSerializer(serializers.Serializer):
    subscriptions_amount = serializers.IntegerField()
    technical_fees_amount = serializers.IntegerField()
    gmv_amount = serializers.IntegerField()
    currency = serializers.CharField()


class OpsShopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subdomain = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    plan = serializers.CharField(allow_null=True)
    subscription_status = serializers.CharField(allow_null=True)
    gmv_amount_30d = serializers.IntegerField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
