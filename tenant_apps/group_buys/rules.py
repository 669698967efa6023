"""Pure group-buy rules (no database): prices by group size, the leader discount, auto-fill, what a group reads as."""

from datetime import datetime

from tenant_apps.marketing.interface import ActivityStatus, effective_status, is_live

from .models import GroupStatus


def takes_part(activity, *, joining: bool, now: datetime) -> bool:
    """Whether a shopper may take part now: while the activity runs; a joiner of an open group also after the
    activity's end, since each group has its own deadline (PROMOTIONS.md: not the activity's end), which the
    caller checks. Never in a paused, invalidated or draft activity."""
    if is_live(activity.status, activity.starts_at, activity.ends_at, now):
        return True
    return joining and effective_status(activity.status, activity.starts_at, activity.ends_at, now) == (
        ActivityStatus.ENDED
    )


def ladder_price(base_size: int, base_price: int, ladder: list[dict], size: int) -> int | None:
    """The unit price of a group of `size` (the activity's own size, or a tier of the ladder); None: not offered."""
    if size == base_size:
        return base_price
    for tier in ladder:
        if tier.get("group_size") == size:
            return tier.get("price_amount")
    return None


def leader_price(price: int, leader_discount_amount: int) -> int:
    """The leader's unit price: the group price less the leader discount, never below one fen."""
    return max(price - leader_discount_amount, 1)


def autofills(joined: int, size: int, percent: int) -> bool:
    """At the deadline, does a group with `joined` of `size` seats get filled with virtual members?"""
    return percent > 0 and 0 < joined < size and joined * 100 >= size * percent


def effective_group_status(status: str, joined: int, size: int, expires_at: datetime, autofill_percent: int,
                           now: datetime) -> str:  # fmt: skip
    """What a group is at `now`, whatever the deadline task has written so far (reads never change state)."""
    if status != GroupStatus.FORMING or now < expires_at:
        return status
    return GroupStatus.FORMED if autofills(joined, size, autofill_percent) else GroupStatus.FAILED


def initial(nickname: str, fallback: str = "") -> str:
    """The one character shown in a member's avatar circle: the nickname's, else the e-mail's (never a phone
    digit), else a star."""
    text = (nickname or "").strip() or (fallback or "").strip()
    return text[:1].upper() if text else "★"
