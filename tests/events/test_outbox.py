"""The events door: publish in the caller's transaction, idempotent at-least-once delivery, retries, marks."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from micromall.celery import app as celery_app
from shared_apps.tenancy.interface import platform_subscriber, shops_with_pending_events
from shared_apps.tenancy.models import PendingEventsMark, PlatformEventReceipt
from tenant_apps.events import services, tasks
from tenant_apps.events.interface import publish
from tenant_apps.events.models import Delivery, EventStatus, OutboxEvent
from tests.conftest import ensure_shop

from . import handlers

pytestmark = pytest.mark.usefixtures("effect_tables")


class Rollback(Exception):
    pass


def publish_committed(n: int = 1, name: str = "test.ping"):
    with transaction.atomic():
        return publish(name, {"n": n})


def test_publish_inside_a_rolled_back_transaction_delivers_nothing(shop_a, django_capture_on_commit_callbacks):
    with tenant_context(shop_a), django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            publish("test.ping", {"n": 1})
            raise Rollback
        assert services.drain_due_events() == 0
        assert (OutboxEvent.objects.count(), handlers.effects()) == (0, [])
    assert callbacks == []
    assert not PendingEventsMark.objects.exists()


def test_publish_writes_the_event_and_the_shop_mark_and_enqueues_delivery_on_commit(
    shop_a, shop_b, django_capture_on_commit_callbacks
):
    with tenant_context(shop_a), django_capture_on_commit_callbacks() as callbacks:
        event_id = publish_committed(n=7)
        event = OutboxEvent.objects.get()
    assert len(callbacks) == 1
    assert (event.pk, event.name, event.payload, event.status, event.attempts) == (
        event_id,
        "test.ping",
        {"n": 7},
        EventStatus.PENDING,
        0,
    )
    assert list(PendingEventsMark.objects.values_list("shop_id", flat=True)) == [shop_a.pk]
    assert shops_with_pending_events() == [shop_a]
    with tenant_context(shop_b):
        assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_publish_is_refused_outside_a_transaction(shop_schemas, clean_outbox):
    with tenant_context(ensure_shop("alpha")):
        with pytest.raises(RuntimeError, match="transaction"):
            publish("test.ping", {"n": 1})
        assert not OutboxEvent.objects.exists()
    assert not PendingEventsMark.objects.exists()


def test_publish_refuses_bad_names_and_payloads_and_the_public_schema(shop_a):
    with tenant_context(shop_a), transaction.atomic():
        with pytest.raises(ValueError):
            publish("OrderPaid", {})
        with pytest.raises(TypeError):
            publish("test.ping", {"when": timezone.now()})
        assert not OutboxEvent.objects.exists()
    with transaction.atomic(), pytest.raises(RuntimeError, match="shop schema"):
        publish("test.ping", {})


def test_a_failing_handler_is_retried_with_backoff_and_the_others_are_unaffected(shop_a):
    cache.set(handlers.FAIL_KEY, ["tests.other"])
    now = timezone.now()
    with tenant_context(shop_a):
        event_id = publish_committed()
        assert services.deliver_event(event_id=event_id, now=now) == EventStatus.FAILED
        event = OutboxEvent.objects.get()
        assert (event.status, event.attempts, event.next_attempt_at) == (
            EventStatus.FAILED,
            1,
            now + timedelta(seconds=30),
        )
        assert event.last_error == "tests.other: RuntimeError: tests.other is told to fail"
        assert handlers.effects() == [(str(event_id), "tests.record")]

        cache.delete(handlers.FAIL_KEY)
        assert services.drain_due_events(now=now + timedelta(seconds=29)) == 0  # not due yet
        assert services.drain_due_events(now=now + timedelta(seconds=30)) == 1
        event.refresh_from_db()
        assert (event.status, event.attempts, event.last_error) == (EventStatus.DELIVERED, 2, "")
        assert handlers.effects() == [(str(event_id), "tests.other"), (str(event_id), "tests.record")]
        assert sorted(Delivery.objects.values_list("handler", flat=True)) == ["tests.other", "tests.record"]


def test_backoff_doubles_and_gives_up_after_max_attempts(shop_a):
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [30, 60, 120, 1920, 3600, 3600]
    cache.set(handlers.FAIL_KEY, ["tests.record"])
    with tenant_context(shop_a):
        event_id = publish_committed()
        statuses = [services.deliver_event(event_id=event_id, now=timezone.now()) for _ in range(services.MAX_ATTEMPTS)]
        assert statuses == [EventStatus.FAILED] * (services.MAX_ATTEMPTS - 1) + [EventStatus.DEAD]
        assert services.deliver_event(event_id=event_id) is None  # abandoned events wait for a person
        assert handlers.effects() == [(str(event_id), "tests.other")]

        cache.delete(handlers.FAIL_KEY)
        assert services.retry_events(event_ids=[event_id]) == 1
        assert services.drain_due_events() == 1
        assert handlers.effects() == [(str(event_id), "tests.other"), (str(event_id), "tests.record")]


def test_delivering_an_event_twice_applies_its_effects_once(shop_a):
    with tenant_context(shop_a):
        event_id = publish_committed()
        assert services.deliver_event(event_id=event_id) == EventStatus.DELIVERED
        assert services.deliver_event(event_id=event_id) is None
        # at-least-once: a redelivery after a lost acknowledgement finds the event open again
        OutboxEvent.objects.filter(pk=event_id).update(status=EventStatus.PENDING)
        assert services.deliver_event(event_id=event_id) == EventStatus.DELIVERED
        assert handlers.effects() == [(str(event_id), "tests.other"), (str(event_id), "tests.record")]
        assert OutboxEvent.objects.get().attempts == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_drains_apply_each_event_once(shop_schemas, clean_outbox):
    shop = ensure_shop("alpha")
    with tenant_context(shop):
        event_ids = [publish_committed(n) for n in range(6)]
    start = threading.Barrier(3)
    delivered = []

    def drain():
        try:
            with tenant_context(shop):
                start.wait(timeout=10)
                delivered.append(services.drain_due_events())
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with tenant_context(shop):
        assert sum(delivered) == 6
        assert sorted(handlers.effects()) == sorted(
            (str(pk), name) for pk in event_ids for name in ("tests.other", "tests.record")
        )
        assert set(OutboxEvent.objects.values_list("status", flat=True)) == {EventStatus.DELIVERED}


def test_drain_shop_clears_the_mark_only_when_nothing_is_left_to_deliver(shop_a):
    cache.set(handlers.FAIL_KEY, ["tests.other"])
    with tenant_context(shop_a):
        publish_committed()
        assert services.drain_shop() is False  # the failed event keeps its shop marked for the sweep
        assert shops_with_pending_events() == [shop_a]
        cache.delete(handlers.FAIL_KEY)
        assert services.drain_shop(now=timezone.now() + timedelta(minutes=1)) is True
        assert OutboxEvent.objects.get().status == EventStatus.DELIVERED
    assert shops_with_pending_events() == []


def test_the_sweep_drains_marked_shops_only(shop_a, shop_b):
    with tenant_context(shop_a):
        event_id = publish_committed()
    with tenant_context(shop_b):  # an open event in an unmarked shop: the sweep must not go looking for it
        OutboxEvent.objects.create(name="test.ping", payload={"n": 2})
    celery_app.conf.task_always_eager = True
    try:
        assert tasks.sweep() == 1
    finally:
        celery_app.conf.task_always_eager = False
    assert connection.schema_name == "public"
    with tenant_context(shop_a):
        assert handlers.effects() == [(str(event_id), "tests.other"), (str(event_id), "tests.record")]
    with tenant_context(shop_b):
        assert handlers.effects() == []
        assert OutboxEvent.objects.get().status == EventStatus.PENDING
    assert shops_with_pending_events() == []


platform_calls: list[tuple[str, str, dict, str]] = []


@platform_subscriber("test.fee", handler="tests.fee_ledger")
def fee_ledger(event) -> None:
    if cache.get(handlers.FAIL_KEY) == ["tests.fee_ledger"]:
        raise RuntimeError("ledger down")
    platform_calls.append((event.shop.schema_name, event.name, event.payload, connection.schema_name))


def test_platform_subscribers_run_in_the_public_schema_once_per_event(shop_a):
    platform_calls.clear()
    cache.set(handlers.FAIL_KEY, ["tests.fee_ledger"])
    with tenant_context(shop_a):
        event_id = publish_committed(name="test.fee")
        assert services.deliver_event(event_id=event_id) == EventStatus.FAILED
        assert OutboxEvent.objects.get().last_error == "platform:tests.fee_ledger: RuntimeError: ledger down"
        assert not PlatformEventReceipt.objects.exists()  # the receipt rolled back with the failed effect

        cache.delete(handlers.FAIL_KEY)
        assert services.deliver_event(event_id=event_id) == EventStatus.DELIVERED
        assert connection.schema_name == "test_alpha"
        # the shop side forgets its delivery (a restored backup, say): the platform receipt still holds
        Delivery.objects.all().delete()
        OutboxEvent.objects.update(status=EventStatus.PENDING)
        assert services.deliver_event(event_id=event_id) == EventStatus.DELIVERED
    assert platform_calls == [("test_alpha", "test.fee", {"n": 1}, "public")]
    receipt = PlatformEventReceipt.objects.get()
    assert (receipt.shop_id, receipt.event_id, receipt.handler) == (shop_a.pk, event_id, "tests.fee_ledger")


@pytest.mark.django_db(transaction=True)
def test_the_drain_keeps_the_mark_of_an_event_committed_while_it_clears(shop_schemas, clean_outbox):
    """The race the mark protocol closes: an event commits while the drain decides the shop is idle."""
    shop = ensure_shop("alpha")
    PendingEventsMark.objects.bulk_create(
        PendingEventsMark(shop=shop, shard=shard, marked=timezone.now()) for shard in range(8)
    )
    published, release, drained = threading.Event(), threading.Event(), []

    def publisher():
        try:
            with tenant_context(shop), transaction.atomic():
                publish("test.ping", {"n": 1})  # upserts an existing mark row: holds its lock until commit
                published.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    def drainer():
        try:
            with tenant_context(shop):
                drained.append(services.drain_shop())
        finally:
            connection.close()

    threads = [threading.Thread(target=publisher), threading.Thread(target=drainer)]
    threads[0].start()
    assert published.wait(timeout=10)
    threads[1].start()
    with connection.cursor() as cursor:

        def drainer_waits_for_the_publisher() -> bool:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE %s",
                ["%FOR UPDATE%"],
            )
            return cursor.fetchone()[0] == 1

        deadline = time.monotonic() + 10
        while not drainer_waits_for_the_publisher() and time.monotonic() < deadline:
            time.sleep(0.01)  # polling another session's state, not waiting for time to pass
        assert drainer_waits_for_the_publisher()
    release.set()
    for thread in threads:
        thread.join(timeout=20)

    assert drained == [False]  # it saw the event that committed while it waited: the shop stays marked
    assert shops_with_pending_events() == [shop]
    with tenant_context(shop):
        assert services.drain_shop() is True
        assert OutboxEvent.objects.get().status == EventStatus.DELIVERED
    assert shops_with_pending_events() == []


def test_drain_shop_prunes_delivered_events_past_the_retention(shop_a, settings):
    settings.EVENTS_RETENTION_DAYS = 30
    now = timezone.now()
    with tenant_context(shop_a):
        old, recent, stuck = (publish_committed(n) for n in range(3))
        for event_id in (old, recent):
            services.deliver_event(event_id=event_id, now=now)
        OutboxEvent.objects.filter(pk=old).update(delivered_at=now - timedelta(days=30, seconds=1))
        OutboxEvent.objects.filter(pk=stuck).update(status=EventStatus.DEAD, created=now - timedelta(days=90))

        services.drain_shop(now=now)

        assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {recent, stuck}
        assert not Delivery.objects.filter(event_id=old).exists()


def test_the_deliver_task_reschedules_a_failed_event_until_it_gives_up(shop_a):
    cache.set(handlers.FAIL_KEY, ["tests.record"])
    celery_app.conf.task_always_eager = True  # eager ignores the countdown: every retry runs at once
    try:
        with tenant_context(shop_a):
            event_id = publish_committed()
            assert tasks.deliver(str(event_id)) == EventStatus.FAILED
            event = OutboxEvent.objects.get()
    finally:
        celery_app.conf.task_always_eager = False
    assert (event.status, event.attempts) == (EventStatus.DEAD, services.MAX_ATTEMPTS)
