"""Per-shop snapshots: what a tool shows on every page (live promotions, activity entries) as one cache entry per
shop schema, built on a miss, dropped when a writing transaction commits, and read from the cache once per request.

    ENTRIES = ShopSnapshot("marketing:entries", build_rows)
    ENTRIES.get()                 # the shop's snapshot (cache, else build_rows() and cache it)
    ENTRIES.changed(moment)       # in a writing transaction: on commit, drop it and remember `moment`
    ENTRIES.last_change()         # that moment (a price boundary for cached pages), or None

Within one HTTP request (between Django's request_started and request_finished) a snapshot is read from the cache
once and kept for the rest of the request on this thread: order placement and a page both read the promotions
snapshot from several places. The first get() of a request reads every snapshot of that shop in one round trip
(MGET): order placement needs the promotions and the member levels, a page the promotions and the activity
entries. Outside requests (Celery, shells) every get() reads the cache.
"""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction

_local = threading.local()
_ALL: dict[str, "ShopSnapshot"] = {}  # by name
_ABSENT = object()  # in the request memo: the prefetch found no cache entry (build on first use)


def _memo() -> dict | None:
    return getattr(_local, "memo", None)


def _open_request(**_kwargs) -> None:
    _local.memo = {}


def _close_request(**_kwargs) -> None:
    _local.memo = None


request_started.connect(_open_request, dispatch_uid="micromall.snapshots.open")
request_finished.connect(_close_request, dispatch_uid="micromall.snapshots.close")


class ShopSnapshot:
    def __init__(self, name: str, build: Callable[[], Any], *, seconds: int = 300):
        self.name, self.build, self.seconds = name, build, seconds
        _ALL[name] = self

    def key(self, schema: str | None = None) -> str:
        return f"{self.name}:snapshot:{schema or connection.schema_name}"

    def changed_key(self) -> str:
        return f"{self.name}:changed:{connection.schema_name}"

    def get(self) -> Any:
        key, memo = self.key(), _memo()
        if _changed_by_open_transaction(key):
            return self.build()  # this transaction changed it: read its own writes, cache nothing
        if memo is None:
            data = cache.get(key)
        else:
            if key not in memo:
                _prefetch(memo, key)
            data = memo[key]
        if data is None or data is _ABSENT:
            data = self.build()
            cache.set(key, data, self.seconds)
            if memo is not None:
                memo[key] = data
        return data

    def last_change(self) -> datetime | None:
        return cache.get(self.changed_key())

    def changed(self, moment: datetime) -> None:
        """Call in every writing transaction that changes what the snapshot holds: until it ends, get() in this
        thread builds from the database (the transaction's own writes, never cached); once it commits, the
        snapshot is rebuilt on the next read everywhere and `moment` is remembered as the last change."""
        key, changed_key = self.key(), self.changed_key()

        def done():
            done.snapshot_key = None
            cache.set(changed_key, moment, None)
            cache.delete(key)
            if (memo := _memo()) is not None:
                memo.pop(key, None)

        done.snapshot_key = key
        transaction.on_commit(done)


def _changed_by_open_transaction(key: str) -> bool:
    """Whether the open transaction has changed this snapshot: its `done` is still waiting for the commit (a
    rollback, of the transaction or of the savepoint it was registered in, discards it)."""
    waiting = connection.run_on_commit
    return bool(waiting) and any(getattr(func, "snapshot_key", None) == key for _sids, func, _robust in waiting)


def prefetch_with(pipe) -> Callable[[list], None] | None:
    """Queue the MGET this request's first get() would send on `pipe`, another module's pipeline (the API throttle's:
    one round trip for both); returns the function that puts its reply in the request's memo, or None when there
    is nothing to fetch (outside a request, or every snapshot already read). A failed reply leaves the memo as it
    was: get() then reads the cache itself."""
    memo = _memo()
    if memo is None:
        return None
    keys = _unread(memo)
    if not keys:
        return None
    pipe.mget([cache.make_key(key) for key in keys])

    def receive(replies: list) -> None:
        (values,) = replies
        if isinstance(values, Exception):
            return
        decode = cache.client.decode
        for key, raw in zip(keys, values, strict=True):
            memo[key] = _ABSENT if raw is None else decode(raw)

    return receive


def _unread(memo: dict) -> list[str]:
    """The keys of the current shop's snapshots not yet in this request's memo."""
    schema = connection.schema_name
    return [key for key in (snapshot.key(schema) for snapshot in _ALL.values()) if key not in memo]


def _prefetch(memo: dict, key: str) -> None:
    """Read every snapshot of the current shop not yet in this request's memo, `key`'s included, in one MGET."""
    keys = {*_unread(memo), key}
    found = cache.get_many(keys)
    for each in keys:
        memo[each] = found.get(each, _ABSENT)
