"""Which shops have an activity starting or ending soon, without scanning every shop schema.

The activity rows are the truth; this is an index like orders' deadlines: one Redis sorted set, member = shop
schema, score = the shop's earliest coming boundary (epoch seconds). Publishing an activity lowers the score
(ZADD LT); the beat task pops due shops and catches their stored statuses up, which re-adds the next boundary.
A daily sweep over all shops restores a lost index. Reads never depend on it (lifecycle.effective_status).
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import connection
from django_redis import get_redis_connection
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_POP_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
"""


def _key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'mm')}:marketing:due-shops"


def note_boundary(when: datetime | None, schema_name: str | None = None) -> None:
    if when is None:
        return
    schema = schema_name or connection.schema_name
    try:
        get_redis_connection("default").zadd(_key(), {schema: when.timestamp()}, lt=True)
    except RedisError:
        log.warning("marketing: could not index the next boundary of shop %s", schema, exc_info=True)


def pop_due_shops(now: datetime, limit: int = 1000) -> list[str]:
    raw = get_redis_connection("default").eval(_POP_DUE, 1, _key(), now.timestamp(), limit)
    return [item.decode() if isinstance(item, bytes) else item for item in raw]


def next_boundary_of(schema_name: str) -> float | None:
    return get_redis_connection("default").zscore(_key(), schema_name)
