"""Races on the real database and Redis (threads, committed transactions): flushers of one shop store every
buffered event exactly once while page views keep arriving."""

import threading

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenant_apps.analytics import collect, services
from tenant_apps.analytics.models import Event, Visitor
from tests.committed import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_flushers_and_writers_store_each_event_once(shop):
    with tenant_context(shop):
        for n in range(1500):
            collect.record("view_shop", visitor=f"visitor-{n % 300:012d}")
    done = threading.Event()

    def writer():
        with tenant_context(shop):
            for n in range(500):
                collect.record("view_product", visitor=f"visitor-{n % 50:012d}", product_id=1)
        done.set()

    def flusher(_):
        stored = 0
        with tenant_context(shop):
            while True:
                stored += services.flush_events(batch=200)
                if done.is_set() and not collect.drain(shop.schema_name, 1):
                    break
        connection.close()
        return stored

    thread = threading.Thread(target=writer)
    thread.start()
    stored = race(flusher, range(3))
    thread.join()
    with tenant_context(shop):
        services.flush_events()
        assert Event.objects.count() == 2000
        assert Event.objects.values("uid").distinct().count() == 2000
        assert Visitor.objects.count() == 300
    assert sum(stored) <= 2000  # the lock: no batch stored by two flushers
    assert collect.buffered_shops() == []
