from rest_framework import serializers

from ..models import MAX_LEVELS, Withdrawal


class SettingsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    levels = serializers.IntegerField(min_value=1, max_value=MAX_LEVELS)
    rates_bps = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=10000), max_length=3)
    freeze_days = serializers.IntegerField(min_value=0, max_value=365)
    min_withdrawal_amount = serializers.IntegerField(min_value=1)
    self_purchase_commission = serializers.BooleanField()
    auto_approve = serializers.BooleanField()


class ApplyResponse(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()


class BalancesSerializer(serializers.Serializer):
    pending_amount = serializers.IntegerField()
    available_amount = serializers.IntegerField()
    withdrawn_amount = serializers.IntegerField()


class MeSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    referral_url = serializers.CharField()
    qr_url = serializers.CharField()
    tier = serializers.CharField(allow_null=True)
    upline_code = serializers.CharField(allow_null=True)
    balances = BalancesSerializer()


class TeamMemberSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    member_id = serializers.IntegerField()
    nickname = serializers.CharField(allow_blank=True)
    bound_at = serializers.DateTimeField()


class CommissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField()
    level = serializers.IntegerField()
    kind = serializers.CharField()
    base_amount = serializers.IntegerField()
    rate_bps = serializers.IntegerField()
    amount = serializers.IntegerField()
    status = serializers.CharField(source="display_status")
    available_at = serializers.DateTimeField(allow_null=True)
    created = serializers.DateTimeField()


class AmountInput(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=2**62)


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class RebindInput(serializers.Serializer):
    member_id = serializers.IntegerField(min_value=1, max_value=2**62)
    code = serializers.CharField(max_length=32)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ApproveWithdrawalInput(serializers.Serializer):
    transfer_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The manual transfer's reference. Omit it to pay by Stripe transfer to the distributor's "
        "connected account (when set and Stripe is configured); required otherwise.",
    )


class PayoutAccountInput(serializers.Serializer):
    stripe_account_id = serializers.CharField(
        max_length=64,
        allow_blank=True,
        help_text="The distributor's Stripe connected account (acct_...); empty: manual.",
    )


class WithdrawalRejectInput(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class WithdrawalSerializer(serializers.ModelSerializer):
    distributor_code = serializers.CharField(source="distributor.code")

    class Meta:
        model = Withdrawal
        fields = [
            "id", "distributor_code", "amount", "status", "payout_method", "transfer_reference", "note", "created",
            "decided_at",
        ]  # fmt: skip


class DistributorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.CharField()
    member_id = serializers.IntegerField()
    member = serializers.CharField(source="member.__str__")
    tier = serializers.CharField(source="tier.name", allow_null=True, default=None)
    team_size = serializers.IntegerField()
    stripe_account_id = serializers.CharField(allow_blank=True)
    created = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    """micromall.api.errors' body: field errors or a detail."""

    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class BindResponse(serializers.Serializer):
    distributor_code = serializers.CharField()


class RebindResponse(serializers.Serializer):
    member_id = serializers.IntegerField()
    distributor_code = serializers.CharField()


class LeaderSerializer(serializers.Serializer):
    code = serializers.CharField()
    nickname = serializers.CharField(allow_blank=True)
    total_amount = serializers.IntegerField()
