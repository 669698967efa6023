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
