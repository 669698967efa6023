"""Merchant API shapes for shipping templates (validation itself is in pricing.services)."""

from rest_framework import serializers

from ..models import ShippingTemplate


class ShippingTemplateSerializer(serializers.ModelSerializer):
    province_surcharges = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text='Province (e.g. "新疆" or "新疆维吾尔自治区") -> surcharge in fen; stored under the short name.',
    )

    class Meta:
        model = ShippingTemplate
        fields = [
            "id",
            "name",
            "kind",
            "flat_fee_amount",
            "first_weight_grams",
            "first_fee_amount",
            "additional_weight_grams",
            "additional_fee_amount",
            "free_over_amount",
            "province_surcharges",
            "is_default",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "created", "updated"]
