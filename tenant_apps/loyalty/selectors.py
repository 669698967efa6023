"""Reads: settings, levels, balances (sums over the ledgers), check-ins, invitations."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce

from micromall.snapshots import ShopSnapshot
from shared_apps.tenancy.interface import current_shop
from tenant_apps.members.interface import Member

from .models import CheckIn, GrowthEntry, Invitation, LoyaltySettings, MemberLevel, PointsAccount, PointsEntry
from .rules import LevelRule, level_for

DEFAULT_CHECKIN_REWARDS = [5, 5, 10, 10, 15, 15, 20]


def loyalty_settings() -> LoyaltySettings:
    """The shop's settings row (unsaved defaults until the merchant saves them)."""
    return LoyaltySettings.objects.filter(pk=1).first() or LoyaltySettings(
        pk=1, checkin_rewards=list(DEFAULT_CHECKIN_REWARDS)
    )


def shop_timezone() -> ZoneInfo:
    """The shop's time zone: Shop.timezone when the platform has one, else settings.TIME_ZONE (Asia/Shanghai)."""
    name = getattr(current_shop(), "timezone", None) or django_settings.TIME_ZONE
    return ZoneInfo(name)


def local_date(moment: datetime) -> date:
    return moment.astimezone(shop_timezone()).date()


def _level_rows() -> list[tuple]:
    return list(
        MemberLevel.objects.order_by("growth_threshold").values_list(
            "pk", "name", "growth_threshold", "discount_percent"
        )
    )


# The shop's levels: one cache entry per shop, dropped when a transaction that changes them commits (services).
LEVELS = ShopSnapshot("loyalty:levels", _level_rows)


def level_rules() -> list[LevelRule]:
    """The shop's levels, lowest first, from the snapshot: pricing a signed-in member's checkout costs no query."""
    return [LevelRule(*row) for row in LEVELS.get()]


@dataclass(frozen=True)
class Balance:
    balance: int
    frozen: int


def points_balance(*, member_id: int) -> Balance:
    sums = PointsEntry.objects.filter(member_id=member_id).aggregate(
        balance=Coalesce(Sum("points"), Value(0)), frozen=Coalesce(Sum("frozen"), Value(0))
    )
    return Balance(balance=sums["balance"], frozen=sums["frozen"])


def growth_of(*, member_id: int) -> int:
    return GrowthEntry.objects.filter(member_id=member_id).aggregate(g=Coalesce(Sum("growth"), Value(0)))["g"]


def level_of(*, member_id: int, levels: list[LevelRule] | None = None) -> LevelRule | None:
    levels = level_rules() if levels is None else levels
    if not levels:
        return None
    return level_for(growth_of(member_id=member_id), levels)


def entries(*, member_id: int, limit: int = 50):
    return PointsEntry.objects.filter(member_id=member_id).order_by("-id")[:limit]


def order_points(*, order_id: int, member_id: int) -> dict[str, int]:
    """What the ledger holds for one order: spent, returned, earned (net of claw-backs), frozen left."""
    rows = PointsEntry.objects.filter(order_id=order_id, member_id=member_id)
    sums = rows.aggregate(
        spent=Coalesce(Sum("points", filter=Q(kind="consume")), Value(0)),
        returned=Coalesce(Sum("points", filter=Q(kind="revert")), Value(0)),
        earned=Coalesce(Sum("frozen", filter=Q(kind="freeze")), Value(0)),
        clawed_frozen=Coalesce(Sum("frozen", filter=Q(kind="clawback")), Value(0)),
        clawed_points=Coalesce(Sum("points", filter=Q(kind="clawback")), Value(0)),
        frozen=Coalesce(Sum("frozen"), Value(0)),
    )
    return {
        "spent": -sums["spent"],
        "returned": sums["returned"],
        "earned": sums["earned"] + sums["clawed_frozen"] + sums["clawed_points"],
        "frozen": sums["frozen"],
    }


def order_growth(*, order_id: int, member_id: int) -> int:
    return GrowthEntry.objects.filter(order_id=order_id, member_id=member_id).aggregate(
        g=Coalesce(Sum("growth"), Value(0))
    )["g"]


def checkins(*, member_id: int, since: date):
    return CheckIn.objects.filter(member_id=member_id, local_date__gte=since).order_by("local_date")


def checkin_state(*, member_id: int, today: date) -> dict:
    """Today's state for the 签到 page: checked in today, the current streak, this month's days."""
    month_start = today.replace(day=1)
    rows = list(
        CheckIn.objects.filter(member_id=member_id, local_date__gte=min(month_start, today - timedelta(days=1)))
    )
    by_date = {row.local_date: row for row in rows}
    last = by_date.get(today) or by_date.get(today - timedelta(days=1))
    return {
        "checked_in_today": today in by_date,
        "streak": last.streak if last else 0,
        "month_days": sorted(row.local_date.day for row in rows if row.local_date >= month_start),
    }


def account_of(*, member_id: int) -> PointsAccount | None:
    return PointsAccount.objects.filter(member_id=member_id).first()


def account_by_code(code: str) -> PointsAccount | None:
    if not isinstance(code, str) or not code.strip():
        return None
    return PointsAccount.objects.filter(invite_code=code.strip().upper()).first()


def invitations(*, inviter_id: int):
    return Invitation.objects.filter(inviter_id=inviter_id).select_related("invitee").order_by("-id")


def member(member_id: int) -> Member | None:
    return Member.objects.filter(pk=member_id).first() if 0 < member_id < 2**63 else None
