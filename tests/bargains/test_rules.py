"""The cut rule (hypothesis): after `helpers_needed` helps the price sits exactly on the floor, never below it,
every help but the ones a too-small gap forbids cuts at least one fen, and equal cuts are equal to the fen."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.bargains.models import CutMode
from tenant_apps.bargains.rules import next_cut


def run(start: int, floor: int, helpers: int, mode: str, seed: int) -> list[int]:
    rng = random.Random(seed)
    price, cuts = start, []
    for done in range(helpers):
        cut = next_cut(price, floor, helpers - done, mode, rng)
        cuts.append(cut)
        price -= cut
        assert price >= floor
    return cuts


@settings(max_examples=400, deadline=None)
@given(
    floor=st.integers(min_value=1, max_value=10**9),
    helpers=st.integers(min_value=1, max_value=100),
    extra=st.integers(min_value=0, max_value=10**7),
    mode=st.sampled_from(CutMode.values),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_cuts_land_exactly_on_the_floor_and_never_below(floor, helpers, extra, mode, seed):
    start = floor + helpers + extra  # the merchant's rule: at least one fen per helper
    cuts = run(start, floor, helpers, mode, seed)
    assert sum(cuts) == start - floor
    assert all(cut >= 1 for cut in cuts)


@settings(max_examples=200, deadline=None)
@given(
    floor=st.integers(min_value=1, max_value=10**6),
    helpers=st.integers(min_value=2, max_value=50),
    gap=st.integers(min_value=0, max_value=60),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_gap_smaller_than_the_helpers_still_ends_on_the_floor(floor, helpers, gap, seed):
    """A SKU whose price fell after the activity was set: no cut is negative and the last help ends on the floor."""
    cuts = run(floor + gap, floor, helpers, CutMode.RANDOM, seed)
    assert sum(cuts) == gap and all(cut >= 0 for cut in cuts)


@given(floor=st.integers(min_value=1, max_value=10**6), helpers=st.integers(min_value=1, max_value=30),
       share=st.integers(min_value=1, max_value=10**4))  # fmt: skip
def test_equal_cuts_are_equal_when_the_gap_divides(floor, helpers, share):
    cuts = run(floor + helpers * share, floor, helpers, CutMode.FIXED, 0)
    assert cuts == [share] * helpers


def test_past_the_floor_nothing_is_cut():
    assert next_cut(100, 100, 3, CutMode.RANDOM, random.Random(1)) == 0
    assert next_cut(100, 100, 0, CutMode.RANDOM, random.Random(1)) == 0
