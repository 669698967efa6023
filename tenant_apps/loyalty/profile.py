"""What loyalty adds to GET /api/v1/store/me (through members' profile-extras registry)."""

from rest_framework import serializers

from . import selectors


def PROFILE_FIELDS():
    return {
        "level": serializers.CharField(allow_null=True, help_text="the member level's name (null below the first)"),
        "level_discount_percent": serializers.IntegerField(help_text="share off item prices for this level"),
        "growth": serializers.IntegerField(help_text="growth value (spend, check-ins, invitations)"),
        "points_balance": serializers.IntegerField(help_text="spendable points (may be negative after a refund)"),
        "points_frozen": serializers.IntegerField(help_text="points earned but still frozen"),
    }


def profile_extra(member) -> dict:
    growth = selectors.growth_of(member_id=member.pk)
    levels = selectors.level_rules()
    from .rules import level_for

    level = level_for(growth, levels) if levels else None
    balance = selectors.points_balance(member_id=member.pk)
    return {
        "level": level.name if level else None,
        "level_discount_percent": level.discount_percent if level else 0,
        "growth": growth,
        "points_balance": balance.balance,
        "points_frozen": balance.frozen,
    }
