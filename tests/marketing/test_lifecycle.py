"""The activity lifecycle every marketing tool shares (PROMOTIONS.md, "Activities"), as pure functions."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_apps.marketing.interface import ActivityStatus as S
from tenant_apps.marketing.interface import effective_status, is_live, next_status

START = datetime(2026, 12, 12, 0, 0, tzinfo=UTC)  # a 00:00 session
END = START + timedelta(hours=2)
BEFORE, DURING, AFTER = START - timedelta(seconds=1), START, END


@pytest.mark.parametrize(
    ("status", "now", "expected"),
    [
        (S.DRAFT, DURING, S.DRAFT),
        (S.SCHEDULED, BEFORE, S.SCHEDULED),
        (S.SCHEDULED, DURING, S.RUNNING),  # the beat task is late: reads still see it running at 00:00:00
        (S.RUNNING, AFTER, S.ENDED),  # ...and ended at the end, whatever the column says
        (S.PAUSED, DURING, S.PAUSED),
        (S.PAUSED, AFTER, S.ENDED),
        (S.INVALIDATED, DURING, S.INVALIDATED),
        (S.ENDED, DURING, S.ENDED),
    ],
)
def test_effective_status_follows_the_clock(status, now, expected):
    assert effective_status(status, START, END, now) == expected


@pytest.mark.parametrize(
    ("action", "status", "now", "expected"),
    [
        ("publish", S.DRAFT, BEFORE, S.SCHEDULED),
        ("publish", S.DRAFT, DURING, S.RUNNING),
        ("publish", S.DRAFT, AFTER, S.ENDED),
        ("publish", S.RUNNING, DURING, None),
        ("pause", S.RUNNING, DURING, S.PAUSED),
        ("pause", S.SCHEDULED, BEFORE, None),
        ("resume", S.PAUSED, DURING, S.RUNNING),
        ("resume", S.PAUSED, AFTER, None),
        ("end", S.RUNNING, DURING, S.ENDED),
        ("end", S.DRAFT, DURING, None),
        ("invalidate", S.PAUSED, DURING, S.INVALIDATED),
        ("invalidate", S.ENDED, AFTER, None),
        ("invalidate", S.INVALIDATED, DURING, None),
        ("explode", S.RUNNING, DURING, None),
    ],
)
def test_actions(action, status, now, expected):
    assert next_status(action, status, START, END, now) == expected


@given(
    status=st.sampled_from(list(S)),
    offset=st.integers(min_value=-10_000, max_value=20_000),
    action=st.sampled_from(["publish", "pause", "resume", "end", "invalidate"]),
)
def test_terminal_states_stay_terminal_and_nothing_sells_outside_the_window(status, offset, action):
    now = START + timedelta(seconds=offset)
    if status in (S.ENDED, S.INVALIDATED):
        assert next_status(action, status, START, END, now) is None
    if not START <= now < END:
        assert not is_live(status, START, END, now)
