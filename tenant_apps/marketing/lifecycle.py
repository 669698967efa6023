"""The activity state machine, pure: which action is allowed from which status, and the status a clock implies.

Reads never trust the stored status alone: `effective_status(status, starts_at, ends_at, now)` is what a
shopper sees, so a cached page or a late beat task never shows an ended price (the beat task only catches the
stored column up with the clock).
"""

from datetime import datetime

from .models import ActivityStatus as S

TERMINAL = frozenset({S.ENDED, S.INVALIDATED})

# action -> (allowed from, goes to); "publish" goes to scheduled or running depending on the clock.
ACTIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "publish": (frozenset({S.DRAFT}), None),
    "pause": (frozenset({S.RUNNING}), S.PAUSED),
    "resume": (frozenset({S.PAUSED}), None),
    "end": (frozenset({S.SCHEDULED, S.RUNNING, S.PAUSED}), S.ENDED),
    "invalidate": (frozenset({S.DRAFT, S.SCHEDULED, S.RUNNING, S.PAUSED}), S.INVALIDATED),
}


def clock_status(starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    """The status of a published, unpaused activity at `now`."""
    if now >= ends_at:
        return S.ENDED
    return S.RUNNING if now >= starts_at else S.SCHEDULED


def effective_status(status: str, starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    """What the activity is at `now`, whatever the beat task has written so far."""
    if status in (S.DRAFT, *TERMINAL):
        return status
    if status == S.PAUSED:
        return S.ENDED if now >= ends_at else S.PAUSED
    return clock_status(starts_at, ends_at, now)


def is_live(status: str, starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """True while shoppers may take part (running now, not paused)."""
    return effective_status(status, starts_at, ends_at, now) == S.RUNNING


def next_status(action: str, status: str, starts_at: datetime, ends_at: datetime, now: datetime) -> str | None:
    """The status `action` leads to from `status` at `now`; None when the action is not allowed."""
    allowed, target = ACTIONS.get(action, (frozenset(), None))
    current = effective_status(status, starts_at, ends_at, now)
    if current not in allowed:
        return None
    if action in ("publish", "resume"):
        target = clock_status(starts_at, ends_at, now)
    return target
