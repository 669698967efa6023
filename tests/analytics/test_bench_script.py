"""bench/analytics.py's load script: its returning visitors must send valid, distinct visitor cookies."""

import re

from bench.analytics import lua_script
from tenant_apps.analytics.collect import VISITOR_RE


def test_returning_visitors_send_their_own_valid_cookie():
    script = lua_script("shop.test", "/p/1", returning=True)
    [pattern] = re.findall(r'string\.format\("mm_vid=([^"]*)", n\)', script)
    # Lua's string.format reads "%06d" as Python's % does ("%%" would be a literal "%": one invalid id for all)
    ids = {pattern % n for n in (1, 2, 4999)}
    assert len(ids) == 3
    assert all(VISITOR_RE.match(visitor) for visitor in ids)
    assert "Cookie" not in lua_script("shop.test", "/p/1", returning=False)


def test_median_interval_takes_the_order_statistics_around_the_median():
    from bench.analytics import interval_verdict, median_interval

    # n = 100: k = 50 - 1.96 * 10 / 2 = 40.2 -> the 41st and 60th smallest (indices 40 and 59)
    assert median_interval([float(n) for n in range(100)]) == (40.0, 59.0)
    assert median_interval([3.0, 1.0, 2.0]) == (1.0, 3.0)  # too few rounds: the whole range
    assert interval_verdict(0.951, 0.99) == "met (the whole interval)"
    assert interval_verdict(0.94, 0.99).startswith("not shown")
    assert interval_verdict(0.90, 0.94) == "NOT met"
