"""Test subscribers: each applied event leaves one row in test_event_effect (a plain table in the shop schema).

Imported by the test process and by the worker processes of test_worker_crash.py (worker_app.py), so both
know the same handlers. Controlled through the shared cache so a worker in another process obeys too.
"""

import time

from django.core.cache import cache
from django.db import connection

from tenant_apps.events.interface import Event, subscriber

EFFECT_TABLE = "test_event_effect"
FAIL_KEY = "events-test:fail"  # handler names that raise while set
BLOCK_KEY = "events-test:block"  # event number at which tests.record stops and waits to be killed
RUNNING_KEY = "events-test:running"


def create_effect_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {EFFECT_TABLE} (event_id uuid NOT NULL, handler text NOT NULL)")


def effects() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT event_id::text, handler FROM {EFFECT_TABLE} ORDER BY event_id, handler")
        return cursor.fetchall()


def _record(event: Event, handler: str) -> None:
    if handler in (cache.get(FAIL_KEY) or ()):
        raise RuntimeError(f"{handler} is told to fail")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {EFFECT_TABLE} (event_id, handler) VALUES (%s, %s)", [event.id, handler])


@subscriber("test.ping", handler="tests.record")
def record(event: Event) -> None:
    _record(event, "tests.record")
    if cache.get(BLOCK_KEY) == event.payload.get("n"):
        cache.set(RUNNING_KEY, str(event.id), 60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the test SIGKILLs this worker while it waits here
            time.sleep(0.05)


@subscriber("test.ping", handler="tests.other")
def other(event: Event) -> None:
    _record(event, "tests.other")
