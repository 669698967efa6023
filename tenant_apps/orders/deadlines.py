"""Which shops have an order timer due, without scanning every shop schema.

The order rows are the truth (`pay_deadline`, `auto_complete_at`); this is only an index: one Redis sorted
set, member = shop schema, score = that shop's earliest pending deadline (epoch seconds). Placing or
shipping an order lowers its shop's score (ZADD LT); the beat task pops due shops and runs their timers,
which re-add the shop's next deadline. If Redis loses the set, the daily sweep over all shops restores it.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import connection
from django_redis import get_redis_connection
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Pops every due member atomically, so two beat processes never both take the same shop.
_POP_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
"""


def _key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'mm')}:orders:due-shops"


def note_deadline(when: datetime | None, schema_name: str | None = None) -> None:
    """Remember that the current (or given) shop has an order timer at `when` (keeps the earliest)."""
    if when is None:
        return
    schema = schema_name or connection.schema_name
    try:
        get_redis_connection("default").zadd(_key(), {schema: when.timestamp()}, lt=True)
    except RedisError:  # placing an order must not fail on the index; the daily sweep restores it
        log.warning("orders: could not index the deadline of shop %s", schema, exc_info=True)


def pop_due_shops(now: datetime, limit: int = 1000) -> list[str]:
    raw = get_redis_connection("default").eval(_POP_DUE, 1, _key(), now.timestamp(), limit)
    return [item.decode() if isinstance(item, bytes) else item for item in raw]


def next_deadline_of(schema_name: str) -> float | None:
    """The indexed deadline of a shop (epoch seconds), for tests and the back office."""
    return get_redis_connection("default").zscore(_key(), schema_name)
