"""Per-shop snapshots (micromall.snapshots): cached per shop, dropped on commit, read once per request."""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django_tenants.utils import tenant_context

from micromall.snapshots import ShopSnapshot

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def counted():
    builds = []
    return builds, ShopSnapshot("test:snapshot", lambda: builds.append(1) or {"n": len(builds)})


def test_a_snapshot_is_per_shop_and_built_once_until_it_changes(
    shop_a, shop_b, counted, django_capture_on_commit_callbacks
):
    builds, snapshot = counted
    with tenant_context(shop_a):
        assert snapshot.get() == {"n": 1}
        assert snapshot.get() == {"n": 1}
    with tenant_context(shop_b):
        assert snapshot.get() == {"n": 2}
    with tenant_context(shop_a):
        with django_capture_on_commit_callbacks(execute=True):
            snapshot.changed(MOMENT)
        assert snapshot.last_change() == MOMENT
        assert snapshot.get() == {"n": 3}
    assert len(builds) == 3


def test_within_a_request_the_cache_is_read_once_and_a_commit_drops_the_copy(
    shop_a, counted, django_capture_on_commit_callbacks
):
    _builds, snapshot = counted
    with tenant_context(shop_a):
        request_started.send(sender=None)
        try:
            first = snapshot.get()
            cache.set(snapshot.key(), {"n": "elsewhere"})  # another process rebuilt it meanwhile
            assert snapshot.get() == first  # this request keeps what it read
            with django_capture_on_commit_callbacks(execute=True):
                snapshot.changed(MOMENT)  # this request's own write
            assert snapshot.get() == {"n": 2}
        finally:
            request_finished.send(sender=None)
        cache.set(snapshot.key(), {"n": "elsewhere"})
        assert snapshot.get() == {"n": "elsewhere"}  # outside a request: the cache every time


def test_the_first_read_of_a_request_fetches_every_snapshot_of_the_shop_in_one_round_trip(shop_a, counted):
    _builds, first = counted
    second = ShopSnapshot("test:second", lambda: {"second": True})
    with tenant_context(shop_a):
        first.get(), second.get()  # cached outside a request
        cache.set(first.key(), {"n": "cached"})
        cache.set(second.key(), {"second": "cached"})
        request_started.send(sender=None)
        try:
            calls = []
            real_get_many = cache.get_many
            cache.get_many = lambda keys: calls.append(set(keys)) or real_get_many(keys)
            try:
                assert first.get() == {"n": "cached"}
                assert second.get() == {"second": "cached"}
            finally:
                del cache.get_many
            assert len(calls) == 1 and {first.key(), second.key()} <= calls[0]
        finally:
            request_finished.send(sender=None)


def test_a_transaction_reads_its_own_change_uncached_and_a_rollback_leaves_the_cache_as_it_was(shop_a, counted):
    _builds, snapshot = counted
    with tenant_context(shop_a):
        assert snapshot.get() == {"n": 1}
        with pytest.raises(RuntimeError), transaction.atomic():
            snapshot.changed(MOMENT)
            assert snapshot.get() == {"n": 2}  # built from the database: the transaction sees its own writes
            assert snapshot.get() == {"n": 3}  # and again: nothing uncommitted was cached
            raise RuntimeError
        assert snapshot.get() == {"n": 1}
        assert snapshot.last_change() is None


def test_prefetch_with_puts_another_pipelines_mget_in_the_request_memo(shop_a, counted):
    from django_redis import get_redis_connection

    from micromall import snapshots

    _builds, first = counted
    with tenant_context(shop_a):
        cache.set(first.key(), {"n": "cached"})
        assert snapshots.prefetch_with(get_redis_connection("default").pipeline()) is None  # outside a request
        request_started.send(sender=None)
        try:
            pipe = get_redis_connection("default").pipeline(transaction=False)
            pipe.ping()  # the pipeline's owner queued its own command first
            receive = snapshots.prefetch_with(pipe)
            pong, *replies = pipe.execute(raise_on_error=False)
            receive(replies)

            calls = []
            real_get_many = cache.get_many
            cache.get_many = lambda keys: calls.append(set(keys)) or real_get_many(keys)
            try:
                assert first.get() == {"n": "cached"}
            finally:
                del cache.get_many
            assert pong is True and calls == []  # read from the memo the prefetch filled
            assert snapshots.prefetch_with(pipe) is None  # nothing left to fetch in this request
        finally:
            request_finished.send(sender=None)
