"""Data centre API bodies: query validation (date ranges, metrics, dimensions) and documented responses."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import MAX_RETENTION_DAYS, EventKind, RecommendationKind, TagKind
from ..selectors import DIMENSIONS, MAX_DAYS, METRICS


class AnalyticsRangeQuery(serializers.Serializer):
    """`from`/`to` (YYYY-MM-DD, the shop's dates, both included); default: the last 7 days up to today."""

    locals()["from"] = serializers.DateField(required=False, help_text="First day (default: `to` - 6 days).")
    to = serializers.DateField(required=False, help_text="Last day (default: today).")

    def validate(self, attrs):
        end = attrs.get("to") or timezone.localdate()
        start = attrs.get("from") or end - timedelta(days=6)
        if start > end:
            raise serializers.ValidationError({"from": [_("The start date is after the end date.")]})
        if (end - start).days + 1 > MAX_DAYS:
            raise serializers.ValidationError({"from": [_("A date range covers at most 366 days.")]})
        return {"start": start, "end": end}


class AnalyticsTimeseriesQuery(AnalyticsRangeQuery):
    metric = serializers.ChoiceField(choices=METRICS, default="visitors")

    def validate(self, attrs):
        return {**super().validate(attrs), "metric": attrs["metric"]}


class AnalyticsTopQuery(AnalyticsRangeQuery):
    dimension = serializers.ChoiceField(choices=DIMENSIONS)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)

    def validate(self, attrs):
        return {**super().validate(attrs), "dimension": attrs["dimension"], "limit": attrs["limit"]}


class AnalyticsFissionQuery(AnalyticsRangeQuery):
    product_id = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs):
        return {**super().validate(attrs), "product_id": attrs.get("product_id")}


class AnalyticsSummarySerializer(serializers.Serializer):
    locals()["from"] = serializers.DateField()
    to = serializers.DateField()
    gmv_amount = serializers.IntegerField(help_text="Paid amount (fen) of the orders paid in the period.")
    orders = serializers.IntegerField(help_text="Orders placed in the period (order time).")
    paid_orders = serializers.IntegerField(help_text="Orders paid in the period (payment time).")
    visitors = serializers.IntegerField(help_text="UV: distinct visitors with a view, deduplicated over the period.")
    add_to_cart_rate = serializers.FloatField()
    conversion_rate = serializers.FloatField()
    average_order_amount = serializers.IntegerField()
    repeat_purchase_rate = serializers.FloatField()
    pv = serializers.IntegerField()
    pv_per_visitor = serializers.FloatField()
    product_visitors = serializers.IntegerField()
    cart_visitors = serializers.IntegerField()
    checkout_visitors = serializers.IntegerField()
    paying_members = serializers.IntegerField()
    repeat_buyers = serializers.IntegerField()
    refunded_amount = serializers.IntegerField()
    sharers = serializers.IntegerField()
    share_rate = serializers.FloatField()
    new_visitors_via_share = serializers.IntegerField()
    fission_rate = serializers.FloatField()


class AnalyticsPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField()


class AnalyticsTimeseriesSerializer(serializers.Serializer):
    metric = serializers.CharField()
    points = AnalyticsPointSerializer(many=True)


class AnalyticsTopRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    visitors = serializers.IntegerField()
    amount = serializers.IntegerField(required=False)
    paid_orders = serializers.IntegerField(required=False)


class AnalyticsTopSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    results = AnalyticsTopRowSerializer(many=True)


class AnalyticsFunnelStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    value = serializers.IntegerField()


class AnalyticsFissionNodeSerializer(serializers.Serializer):
    visitor = serializers.CharField()
    member_id = serializers.IntegerField(allow_null=True)
    share_code = serializers.CharField()
    arrivals = serializers.IntegerField()
    paid_amount = serializers.IntegerField()
    children = serializers.ListField(child=serializers.DictField())


class AnalyticsSettingsSerializer(serializers.Serializer):
    retention_days = serializers.IntegerField(min_value=1, max_value=MAX_RETENTION_DAYS)


STORE_KINDS = (EventKind.VIEW_SHOP, EventKind.VIEW_PRODUCT, EventKind.SHARE)


class StoreEventSerializer(serializers.Serializer):
    """What a shop's own pages or app report: a view (apps without server-rendered pages) or a share."""

    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in STORE_KINDS])
    product_id = serializers.IntegerField(min_value=1, required=False)


class StoreEventResponse(serializers.Serializer):
    share_code = serializers.CharField(help_text="For shares: add `?s=<share_code>` to the shared link.")


class GuessQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=24, default=6)


class RecommendationsQuery(GuessQuery):
    kind = serializers.ChoiceField(choices=RecommendationKind.choices, default=RecommendationKind.ALSO_VIEWED)


class RecommendedCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    price_amount = serializers.IntegerField()
    currency = serializers.CharField()
    image_url = serializers.CharField(allow_null=True)
    sales_count = serializers.IntegerField()
    in_stock = serializers.BooleanField()


class RecommendationsResponse(serializers.Serializer):
    results = RecommendedCardSerializer(many=True)


# --- member CRM ---------------------------------------------------------------------------------------------------


class CrmRuleSerializer(serializers.Serializer):
    """Every condition given must hold: spent at least (fen, paid orders net of refunds), no visit or payment for
    N days, bought from a category (or its subcategories), carries all these tags."""

    min_spent_amount = serializers.IntegerField(required=False)
    inactive_days = serializers.IntegerField(required=False)
    bought_category_id = serializers.IntegerField(required=False)
    tag_ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class CrmTagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=30)
    kind = serializers.ChoiceField(choices=TagKind.choices, default=TagKind.MANUAL)
    rule = CrmRuleSerializer(required=False)
    members = serializers.IntegerField(read_only=True)


class CrmTagMembersSerializer(serializers.Serializer):
    member_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)
    remove = serializers.BooleanField(default=False)


class CrmSegmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=50)
    rule = CrmRuleSerializer()
    members = serializers.IntegerField(read_only=True)


class CrmMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    registered = serializers.DateTimeField()
    spent_amount = serializers.IntegerField()
    paid_orders = serializers.IntegerField()
    last_visit = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField()
    distributor = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())


class CrmMemberQuery(serializers.Serializer):
    tag = serializers.IntegerField(min_value=1, required=False)
    segment = serializers.IntegerField(min_value=1, required=False)


class CrmIssueCouponSerializer(serializers.Serializer):
    coupon_id = serializers.IntegerField(min_value=1)


class CrmIssuedSerializer(serializers.Serializer):
    issued = serializers.IntegerField(help_text="coupons issued, one per member of the segment")
