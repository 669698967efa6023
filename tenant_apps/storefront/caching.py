"""Storefront caches keyed by the shop's catalog version (the catalog keeps it: catalog migration 0005).

A cached value is stored under `sf:<schema>:<version>:<key>`; any shopper-visible catalog change commits
a new version, so stale entries are simply never asked for again. Two levels: a small per-process LRU
(a hit costs no network round trip) and the shared Redis cache. Values are shared between requests:
callers treat them as read-only.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tenant_apps.catalog.interface import catalog_version
from tenant_apps.pricing.interface import price_window_token

__all__ = ["cached_by_catalog", "catalog_version", "clear_local_cache"]

T = TypeVar("T")
CACHE_SECONDS = 600  # settings.STOREFRONT_CACHE_SECONDS overrides; 0 turns caching off
LOCAL_ENTRIES = 512

_local: OrderedDict[str, object] = OrderedDict()
_local_lock = threading.Lock()


def cached_by_catalog(key: str, compute: Callable[[], T]) -> T:
    """`compute()` cached per shop and catalog version.

    The version is read before the data is computed, so a cached value is never older than its key
    (at worst newer, which is harmless). `compute` may raise (bad input): nothing is cached then.
    """
    seconds = getattr(settings, "STOREFRONT_CACHE_SECONDS", CACHE_SECONDS)
    if not seconds:
        return compute()
    # The price-window token: a scheduled price change (e.g. at 10:00:00) starts new keys at that second.
    full_key = f"sf:{connection.schema_name}:{catalog_version()}:{price_window_token()}:{key}"
    with _local_lock:
        value = _local.get(full_key)
        if value is not None:
            _local.move_to_end(full_key)
            return value
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    with _local_lock:
        _local[full_key] = value
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value


def clear_local_cache() -> None:
    with _local_lock:
        _local.clear()
