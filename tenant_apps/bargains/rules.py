"""Pure bargain rules (no database): how much one help cuts, what a session reads as."""

import random
from datetime import datetime

from .models import CutMode, SessionStatus


def next_cut(current: int, floor: int, helps_left: int, mode: str, rng: random.Random) -> int:
    """The cut of the next help. The last help lands exactly on the floor; every other help leaves one minor unit
    for each helper still to come (when the gap allows it), so nobody cuts nothing and nobody goes below the floor.
    Random cuts draw from 1 to twice the even share (the red-packet rule), capped by what must be kept back."""
    gap = current - floor
    if gap <= 0 or helps_left <= 0:
        return 0
    if helps_left == 1:
        return gap
    most = gap - (helps_left - 1)  # one unit reserved for each later helper
    if most <= 0:
        return 0 if gap < helps_left else 1
    if mode == CutMode.FIXED:
        return max(1, min(gap // helps_left, most))
    upper = max(1, min(most, (2 * gap) // helps_left))
    return rng.randint(1, upper)


def effective_status(status: str, expires_at: datetime, now: datetime) -> str:
    """A session past its time limit reads as expired (已结束) unless it was ordered, whether or not the beat pass
    has stored it yet (reads never change state)."""
    if status in (SessionStatus.ACTIVE, SessionStatus.REACHED) and now >= expires_at:
        return SessionStatus.EXPIRED
    return status


def can_buy(status: str, pay_at_any_price: bool) -> bool:
    """May the owner order the session now (given its effective status)?"""
    return status == SessionStatus.REACHED or (status == SessionStatus.ACTIVE and pay_at_any_price)


def initial(nickname: str, fallback: str = "") -> str:
    text = (nickname or "").strip() or (fallback or "").strip()
    return text[:1].upper() if text else "★"
