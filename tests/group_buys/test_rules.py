"""The pure group-buy rules, with hypothesis: prices never fall below one fen, the ladder answers only the sizes it
offers, auto-fill needs at least one real member and the share, and a read past the deadline never says forming."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tenant_apps.group_buys import rules

prices = st.integers(min_value=1, max_value=10**9)
sizes = st.integers(min_value=2, max_value=100)


@given(price=prices, discount=st.integers(min_value=0, max_value=10**10))
def test_the_leader_price_is_never_below_one_fen_nor_above_the_group_price(price, discount):
    assert 1 <= rules.leader_price(price, discount) <= price
    assert rules.leader_price(price, discount) == max(price - discount, 1)


@given(base=sizes, base_price=prices, tiers=st.dictionaries(sizes, prices, max_size=5), asked=sizes)
def test_the_ladder_answers_the_base_size_and_its_tiers_only(base, base_price, tiers, asked):
    ladder = [{"group_size": size, "price_amount": price} for size, price in tiers.items() if size != base]
    found = rules.ladder_price(base, base_price, ladder, asked)
    if asked == base:
        assert found == base_price
    elif asked in tiers:
        assert found == tiers[asked]
    else:
        assert found is None


@given(size=sizes, data=st.data(), percent=st.integers(min_value=0, max_value=100))
def test_auto_fill_needs_a_real_member_and_the_share(size, data, percent):
    joined = data.draw(st.integers(min_value=0, max_value=size))
    filled = rules.autofills(joined, size, percent)
    assert filled == (percent > 0 and 0 < joined < size and joined * 100 >= size * percent)


@given(
    size=sizes, data=st.data(), percent=st.integers(min_value=0, max_value=100), seconds=st.integers(-(10**6), 10**6)
)
def test_a_read_past_the_deadline_is_formed_or_failed(size, data, percent, seconds):
    joined = data.draw(st.integers(min_value=1, max_value=size))
    now = datetime(2026, 12, 2, tzinfo=UTC)
    expires = now + timedelta(seconds=seconds)
    status = rules.effective_group_status("forming", joined, size, expires, percent, now)
    if seconds > 0:
        assert status == "forming"
    else:
        assert status == ("formed" if rules.autofills(joined, size, percent) else "failed")
    assert rules.effective_group_status("formed", joined, size, expires, percent, now) == "formed"
