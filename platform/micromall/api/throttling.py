"""Rate limits in constant space and one Redis round trip per check (GCRA, the "leaky bucket as a meter").

DRF's SimpleRateThrottle keeps a list of every request's timestamp per client, read, unpickled and written
back on every request: its cost grows with rate x window and halved the storefront's throughput. Here each
(scope, client) is one Redis key holding a single number, the bucket's "theoretical arrival time" (TAT),
updated atomically by a Lua script:

- a rate `N/period` lets a client send N requests at once, then one every period/N: a steady client is never
  throttled below N per period, a burst never gets more than N in any window of one period;
- a refused request does not count, and its 429 carries `Retry-After` (seconds until one more is allowed);
- the rates live in settings (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, env `THROTTLE_*`) and are read
  per request, so tests and operators can change them at runtime.

When Redis cannot be reached the request is allowed (fail open) and a warning is logged at most once a
minute per process: an outage of the cache must not take the shops down, and every other defence
(passwords hashed with Argon2, single-use tokens) still holds. Keys share the cache's KEY_PREFIX.
"""

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_redis import get_redis_connection
from redis.exceptions import NoScriptError, RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings

from micromall import snapshots

logger = logging.getLogger(__name__)

# The clock (seconds since the epoch); tests replace it to step time instead of sleeping.
clock = time.time

# KEYS[1] = bucket; ARGV = now, emission interval, period (integer microseconds). Returns the wait in µs (0 = allowed).
GCRA = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - now > period then
  return new_tat - now - period
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return 0
"""
_script = None
_last_warning = 0.0
MICROSECONDS = 1_000_000
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


def parse_rate(text: str | None) -> Rate | None:
    """ "600/min", "5/hour", "10/s" -> Rate; None (no limit) for None. DRF's format: the period's first letter."""
    if text is None:
        return None
    number, period = text.split("/")
    return Rate(limit=int(number), period=PERIODS[period.strip()[0]])


def _redis():
    global _script
    client = get_redis_connection("default")
    if _script is None:
        _script = client.register_script(GCRA)
    return client, _script


def hit(key: str, rate: Rate, *, piggyback: Callable | None = None) -> float:
    """Count one request against `key`: 0 when it is allowed, else the seconds until one more will be.

    `piggyback(pipeline)` may queue commands of its own to travel in the same round trip; it returns the function
    to hand their replies to (a list, errors as exception instances), or None when it queued nothing."""
    period = rate.period * MICROSECONDS
    interval = max(1, period // rate.limit)
    try:
        client, script = _redis()
        now = int(clock() * MICROSECONDS)
        bucket, args = cache.make_key(f"throttle:{key}"), (now, interval, period)
        receive = None
        if piggyback is not None:
            pipe = client.pipeline(transaction=False)
            pipe.evalsha(script.sha, 1, bucket, *args)  # not script(): a pipeline asks SCRIPT EXISTS first
            receive = piggyback(pipe)
        if receive is None:
            wait = script(keys=[bucket], args=args, client=client)
        else:
            wait, *replies = pipe.execute(raise_on_error=False)
            receive(replies)
            if isinstance(wait, NoScriptError):  # Redis restarted or flushed its scripts: load it and ask again
                wait = script(keys=[bucket], args=args, client=client)
            elif isinstance(wait, Exception):
                raise wait
    except RedisError as error:
        _warn_open(error)
        return 0
    return int(wait) / MICROSECONDS


def _warn_open(error: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("Rate limits are off (fail open): Redis is unreachable: %s", error)


def rate_for(scope: str) -> Rate | None:
    """The scope's rate from settings, read per request; None means the scope is not limited."""
    rates = api_settings.DEFAULT_THROTTLE_RATES
    if scope not in rates:  # a typo in a scope must not silently mean "no limit"
        raise ImproperlyConfigured(f"No rate in DEFAULT_THROTTLE_RATES for throttle scope {scope!r}")
    return parse_rate(rates[scope])


def scope_wait(scope: str, client: str) -> int | None:
    """Count one request of `client` (an address, a user, an account's digest) against `scope`'s rate.

    None when it is allowed, else the whole seconds to send in Retry-After.
    """
    rate = rate_for(scope)
    wait = hit(f"{scope}:{client}", rate) if rate else 0
    return math.ceil(wait) if wait else None


def _snapshots_for(request, view) -> Callable | None:
    """A view that reads the shop's snapshots for this method (`prefetch_shop_snapshots = ("POST",)`, e.g. order
    placement) has them fetched in the throttle's round trip: one Redis round trip per request instead of two."""
    return snapshots.prefetch_with if request.method in getattr(view, "prefetch_shop_snapshots", ()) else None


class RateThrottle(throttling.BaseThrottle):
    """A DRF throttle on one GCRA bucket per (scope, client); subclasses choose the scope and the client."""

    scope: str | None = None
    cache_format = "throttle_%(scope)s_%(ident)s"  # for subclasses written against DRF's SimpleRateThrottle

    def __init__(self):
        self._wait: float | None = None

    def get_scope(self, view) -> str | None:
        return self.scope

    def get_key(self, request, view) -> str | None:
        """The client this request counts against, or None when this throttle does not apply to it."""
        raise NotImplementedError

    def get_cache_key(self, request, view) -> str | None:
        """DRF's hook, kept so that a subclass may name its bucket itself (e.g. per account, not per client)."""
        return self.get_key(request, view)

    def allow_request(self, request, view) -> bool:
        scope = self.get_scope(view)
        if scope is None:
            return True
        self.scope = scope  # as DRF's ScopedRateThrottle does: get_cache_key overrides read it
        rate = rate_for(scope)
        client = self.get_cache_key(request, view) if rate else None
        if client is None:
            return True
        self._wait = hit(f"{scope}:{client}", rate, piggyback=_snapshots_for(request, view))
        return not self._wait

    def wait(self) -> float | None:
        return math.ceil(self._wait) if self._wait else None

    def client_address(self, request) -> str:
        return f"ip:{self.get_ident(request)}"

    def user_key(self, request) -> str | None:
        """Platform users by id; shop members by shop schema and id (their ids repeat from shop to shop)."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user._meta.label == settings.AUTH_USER_MODEL:
            return f"user:{user.pk}"
        return f"{user._meta.label_lower}:{connection.schema_name}:{user.pk}"


class AnonRateThrottle(RateThrottle):
    """Anonymous requests per client address (scope `anon`)."""

    scope = "anon"

    def get_key(self, request, view):
        return None if self.user_key(request) else self.client_address(request)


class UserRateThrottle(RateThrottle):
    """Signed-in requests per user (scope `user`); anonymous ones are AnonRateThrottle's alone."""

    scope = "user"

    def get_key(self, request, view):
        return self.user_key(request)


class StoreReadThrottle(RateThrottle):
    """Shoppers' catalog reads (scope `store_read`): per client address, generous, since many shoppers share
    one carrier NAT address; the strict limits stay on sign-in and sign-up."""

    scope = "store_read"

    def get_key(self, request, view):
        return self.client_address(request)


class ScopedRateThrottle(RateThrottle):
    """Per-view scope (`throttle_scope = "signup"`), keyed by user or client address."""

    def get_scope(self, view):
        return getattr(view, "throttle_scope", None)

    def get_key(self, request, view):
        return self.user_key(request) or self.client_address(request)


class _Scope:
    def __init__(self, scope: str):
        self.throttle_scope = scope


def page_throttle_wait(request, scope: str) -> int | None:
    """For HTML pages (sign-in, sign-up, password reset): None when allowed, else the seconds for Retry-After."""
    throttle = ScopedRateThrottle()
    return None if throttle.allow_request(request, _Scope(scope)) else throttle.wait()
