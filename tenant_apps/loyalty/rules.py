"""Pure loyalty rules (no ORM): earning, check-in rewards, levels, returns and claw-backs, expiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def points_for(amount: int, per_yuan: int) -> int:
    """Points earned on `amount` fen at `per_yuan` points per yuan (floored; never negative)."""
    return max(amount, 0) * per_yuan // 100


def checkin_reward(streak: int, rewards: Sequence[int]) -> int:
    """Points of the `streak`-th day in a row: rewards[streak - 1], later days the last value, none: 0."""
    if not rewards or streak < 1:
        return 0
    return rewards[min(streak, len(rewards)) - 1]


def cumulative_bonus(days_this_month: int, table: Sequence[dict]) -> int:
    """Bonus when this month's check-ins reach exactly a row's `days` (so each row pays once a month)."""
    return sum(row["points"] for row in table if row["days"] == days_this_month)


@dataclass(frozen=True)
class LevelRule:
    id: int
    name: str
    growth_threshold: int
    discount_percent: int


def level_for(growth: int, levels: Sequence[LevelRule]) -> LevelRule | None:
    """The highest level whose threshold the growth value reaches (None below the lowest one)."""
    reached = [level for level in levels if growth >= level.growth_threshold]
    return max(reached, key=lambda level: level.growth_threshold) if reached else None


def level_price(price_amount: int, discount_percent: int) -> int:
    """The unit price after a level discount, rounded half up to the fen."""
    return (price_amount * (100 - discount_percent) + 50) // 100


def share(total: int, part: int, whole: int) -> int:
    """floor(total * part / whole), with part clamped to [0, whole] (all of it when whole <= 0 and part > 0)."""
    if whole <= 0:
        return total if part > 0 else 0
    return total * min(max(part, 0), whole) // whole


def to_expire(*, expired_credits: int, debits: int, already_expired: int, balance: int) -> int:
    """Points to expire now, first in first out: credits past their date not yet covered by spending
    (`debits`, every non-expiry deduction) or by earlier expiries; never more than the balance."""
    return max(0, min(expired_credits - debits - already_expired, balance))
