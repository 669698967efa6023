from rest_framework import serializers

from ..models import MAX_CHECKIN_DAYS, MAX_LEVELS, EntryKind, InvitationStatus

MAX_POINTS = 10**9


class LevelSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=30)
    growth_threshold = serializers.IntegerField(min_value=0, max_value=MAX_POINTS)
    discount_percent = serializers.IntegerField(min_value=0, max_value=99, help_text="share off item prices, 0-99")


class CumulativeRewardSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=MAX_CHECKIN_DAYS)
    points = serializers.IntegerField(min_value=0, max_value=1_000_000)


class LoyaltySettingsSerializer(serializers.Serializer):
    points_per_yuan = serializers.IntegerField(min_value=0, max_value=10_000, help_text="points earned per yuan paid")
    redeem_points_per_yuan = serializers.IntegerField(
        min_value=1, max_value=100_000, help_text="points that pay for one yuan"
    )
    max_redeem_percent = serializers.IntegerField(min_value=0, max_value=100, help_text="of the goods after coupons")
    points_freeze_days = serializers.IntegerField(min_value=0, max_value=365)
    checkin_rewards = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=1_000_000),
        max_length=MAX_CHECKIN_DAYS,
        help_text="points for day 1, 2, 3... of a streak; later days get the last value",
    )
    levels = LevelSerializer(many=True, max_length=MAX_LEVELS)
    min_redeem_points = serializers.IntegerField(min_value=0, max_value=MAX_POINTS, required=False)
    max_redeem_points = serializers.IntegerField(min_value=1, max_value=MAX_POINTS, required=False, allow_null=True)
    points_expire_days = serializers.IntegerField(min_value=0, max_value=3650, required=False, help_text="0: never")
    checkin_cumulative_rewards = CumulativeRewardSerializer(many=True, required=False, max_length=MAX_CHECKIN_DAYS)
    growth_per_yuan = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    checkin_growth = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    invite_points = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    invite_growth = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    invite_daily_cap = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    points = serializers.IntegerField(help_text="change of the spendable balance")
    frozen = serializers.IntegerField(help_text="change of the frozen points")
    order_id = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    created = serializers.DateTimeField()


class ManageEntrySerializer(EntrySerializer):
    by = serializers.CharField(allow_blank=True)


class PointsSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    frozen = serializers.IntegerField()
    redeem_points_per_yuan = serializers.IntegerField()
    max_redeem_percent = serializers.IntegerField()
    entries = EntrySerializer(many=True)


class ManagePointsSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    balance = serializers.IntegerField()
    frozen = serializers.IntegerField()
    growth = serializers.IntegerField()
    level = serializers.CharField(allow_null=True)
    entries = ManageEntrySerializer(many=True)


class AdjustInput(serializers.Serializer):
    points = serializers.IntegerField(min_value=-MAX_POINTS, max_value=MAX_POINTS, help_text="not 0; negative deducts")
    reason = serializers.CharField(max_length=200)


class CheckInResponse(serializers.Serializer):
    points = serializers.IntegerField()
    streak = serializers.IntegerField()


class CheckInStateSerializer(serializers.Serializer):
    today = serializers.DateField()
    checked_in_today = serializers.BooleanField()
    streak = serializers.IntegerField()
    month_days = serializers.ListField(child=serializers.IntegerField(), help_text="days of this month checked in")
    rewards = serializers.ListField(child=serializers.IntegerField())
    cumulative_rewards = CumulativeRewardSerializer(many=True)
    next_points = serializers.IntegerField(help_text="what checking in now (or tomorrow) earns")


class InvitationSerializer(serializers.Serializer):
    invitee = serializers.CharField()
    status = serializers.ChoiceField(choices=InvitationStatus.choices)
    created = serializers.DateTimeField()
    rewarded_at = serializers.DateTimeField(allow_null=True)


class InvitesSerializer(serializers.Serializer):
    code = serializers.CharField()
    invite_url = serializers.CharField()
    invite_points = serializers.IntegerField()
    invitations = InvitationSerializer(many=True)


class InviteCodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class InviteAcceptResponse(serializers.Serializer):
    status = serializers.ChoiceField(choices=InvitationStatus.choices)


class LoyaltyErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
