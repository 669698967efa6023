"""A real Celery worker process is SIGKILLed while a handler runs; a new worker and the sweep finish the job."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from micromall.celery import app as celery_app
from shared_apps.tenancy.interface import shops_with_pending_events
from tenant_apps.events import tasks
from tenant_apps.events.interface import publish
from tenant_apps.events.models import EventStatus, OutboxEvent
from tests.conftest import ensure_shop

from . import handlers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def start_worker_process() -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        # DEBUG is off by default and `celery worker` refuses the repository's SECRET_KEY then: give it one.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    }
    command = [sys.executable, "-m", "celery", "-A", "tests.events.worker_app", "worker", "--pool", "solo"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def close_connection(**kwargs) -> None:
    connection.close()  # the in-process worker's connection must not outlive the test database


def wait_for(condition, seconds: float = 30, every: float = 0.05, action=None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        if action:
            action()
        time.sleep(every)  # polling a real worker process, not waiting for time to pass
    return False


def statuses(shop) -> list[str]:
    with tenant_context(shop):
        return list(OutboxEvent.objects.order_by("payload__n").values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_handler_loses_nothing_and_applies_every_event_once(shop_schemas, clean_outbox):
    shop = ensure_shop("alpha")
    cache.set(handlers.BLOCK_KEY, 1, 120)  # tests.record stops inside event n=1 until the worker is killed
    with tenant_context(shop):
        event_ids = []
        for n in range(3):
            with transaction.atomic():
                event_ids.append(str(publish("test.ping", {"n": n})))

    first = start_worker_process()
    try:
        assert wait_for(lambda: cache.get(handlers.RUNNING_KEY) is not None), "worker never reached the handler"
        first.kill()  # SIGKILL: no cleanup, the delivery transaction of event n=1 dies with the connection
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert cache.get(handlers.RUNNING_KEY) == event_ids[1]
    assert statuses(shop)[:2] == [EventStatus.DELIVERED, EventStatus.PENDING]
    assert shops_with_pending_events() == [shop]

    cache.delete(handlers.BLOCK_KEY)
    task_postrun.connect(close_connection, weak=False)
    try:  # the restarted worker runs in this process (starting a second one would cost seconds)
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # the sweep re-drains the marked shop; the killed session's row lock may linger for a moment
            assert wait_for(
                lambda: statuses(shop) == [EventStatus.DELIVERED] * 3 and shops_with_pending_events() == [],
                every=0.5,
                action=tasks.sweep.delay,
            ), f"not all delivered: {statuses(shop)}"
    finally:
        task_postrun.disconnect(close_connection)

    with tenant_context(shop):
        assert handlers.effects() == sorted((pk, name) for pk in event_ids for name in ("tests.other", "tests.record"))
