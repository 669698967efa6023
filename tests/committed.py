"""Tests that commit rows (threads racing, a live server for Chromium) leave nothing behind in the shared test shop.

pytest-django's `transaction=True` flushes only the public schema; the shop schemas are migrated once per run
and shared by every test of a worker, so a test that commits rows into one must empty it afterwards, or later
tests on the same worker see its members, orders and events.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django_tenants.utils import tenant_context


def truncate_shop_tables(shop) -> None:
    """Empty every table of the shop's schema (ids restart) and drop its pending-events mark in public."""
    connection.close()  # the test's connection may be mid-transaction or in another schema
    with tenant_context(shop), connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(format('%%I.%%I', schemaname, tablename), ', ') FROM pg_tables"
            " WHERE schemaname = %s AND tablename <> 'django_migrations'",
            [shop.schema_name],
        )
        (tables,) = cursor.fetchone()
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    with connection.cursor() as cursor:  # back in public
        cursor.execute("DELETE FROM tenancy_pendingeventsmark WHERE shop_id = %s", [shop.pk])


def race(fn, args) -> list:
    """Run fn(arg) for every arg at once (one thread each, released together), each on its own connection."""
    args = list(args)
    barrier = threading.Barrier(len(args))

    def run(arg):
        try:
            barrier.wait(timeout=30)
            return fn(arg)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(args)) as pool:
        return list(pool.map(run, args))
