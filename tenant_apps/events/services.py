"""Writers of the outbox: publish (in the caller's transaction) and deliver (one transaction per event)."""

import json
import logging
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from shared_apps.tenancy.interface import (
    clear_pending_events_mark,
    current_shop,
    deliver_to_platform,
    mark_pending_events,
    run_in_shop,
)

from .models import OPEN_STATUSES, Delivery, EventStatus, OutboxEvent
from .registry import PLATFORM_PREFIX, Event, handler_names, local_handler
from .selectors import has_open_events

logger = logging.getLogger(__name__)

EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MAX_ATTEMPTS = 10
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
ERROR_CHARS = 4000


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after `attempts` failed attempts: 30 s, 1 min, 2 min ... capped at an hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def publish(name: str, payload: dict[str, Any]) -> uuid.UUID:
    """Write event `name` to the shop's outbox in the CALLER's transaction; it is delivered after commit.

    A rollback drops the event with the rest of the caller's work. Refused outside `transaction.atomic()`
    (an autocommitted event could announce work that later fails) and outside a shop schema.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("publish() must run inside the transaction that makes the change (transaction.atomic)")
    shop = current_shop()
    if shop is None:
        raise RuntimeError("publish() must run in a shop schema")
    if not EVENT_NAME.match(name):
        raise ValueError(f"event names look like 'order.paid', not {name!r}")
    if not isinstance(payload, dict):
        raise TypeError("an event payload is a dict")
    json.dumps(payload)  # TypeError now rather than a half-written transaction later
    event = OutboxEvent.objects.create(name=name, payload=payload)
    mark_pending_events(shop)
    _deliver_after_commit(shop, [event.pk])
    return event.pk


def _deliver_after_commit(shop, event_ids: list[uuid.UUID]) -> None:
    def enqueue() -> None:
        from .tasks import deliver  # tasks import services: import here to avoid the cycle

        # In the shop's schema whatever the connection points at when the outermost transaction commits:
        # tenant-schemas-celery stamps the task with the schema current at send time.
        run_in_shop(shop, lambda: [deliver.delay(str(pk)) for pk in event_ids])

    # robust: a broker outage must not fail the committed request; the sweep finds the marked shop.
    transaction.on_commit(enqueue, robust=True)


def _run_handler(event: OutboxEvent, key: str) -> None:
    if key.startswith(PLATFORM_PREFIX):
        deliver_to_platform(
            shop=current_shop(),
            name=event.name,
            payload=event.payload,
            event_id=event.pk,
            handler=key.removeprefix(PLATFORM_PREFIX),
        )
        return
    handler = local_handler(event.name, key)
    if handler is None:  # unregistered since the event was listed: treat as a failure, keep the event
        raise LookupError(f"no handler {key!r} for {event.name!r}")
    handler(Event(id=event.pk, name=event.name, payload=event.payload, created=event.created))


def deliver_event(*, event_id: uuid.UUID | str, now: datetime | None = None) -> str | None:
    """Run every handler of the event that has no Delivery row yet; returns the new status.

    One transaction per event; each handler runs in a savepoint with its Delivery row, so a failing
    handler leaves the others' work committed and is retried alone. None: the event is already
    delivered, given up, or being delivered by another worker right now (its row is locked).
    """
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, status__in=OPEN_STATUSES)
            .first()
        )
        if event is None:
            return None
        done = set(Delivery.objects.filter(event=event).values_list("handler", flat=True))
        errors = []
        for key in handler_names(event.name):
            if key in done:
                continue
            try:
                with transaction.atomic():
                    _run_handler(event, key)
                    Delivery.objects.create(event=event, handler=key)
            except Exception as exc:
                logger.exception("event %s %s: handler %s failed", event.name, event.pk, key)
                errors.append(f"{key}: {type(exc).__name__}: {exc}")
        now = now or timezone.now()
        event.attempts += 1
        if errors:
            event.status = EventStatus.DEAD if event.attempts >= MAX_ATTEMPTS else EventStatus.FAILED
            event.last_error = "\n".join(errors)[:ERROR_CHARS]
            event.next_attempt_at = now + retry_delay(event.attempts)
        else:
            event.status, event.delivered_at, event.last_error = EventStatus.DELIVERED, now, ""
        event.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "delivered_at"])
        return event.status


def drain_due_events(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver the shop's due events, oldest first; returns how many ended delivered."""
    now = now or timezone.now()
    due = list(
        OutboxEvent.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
        .order_by("created")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver_event(event_id=pk, now=now) == EventStatus.DELIVERED for pk in due)


def prune_delivered_events(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Delete delivered events (and their Delivery rows) older than EVENTS_RETENTION_DAYS, a batch at a time."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EVENTS_RETENTION_DAYS)
    old = OutboxEvent.objects.filter(status=EventStatus.DELIVERED, delivered_at__lt=cutoff)
    with transaction.atomic():
        ids = list(old.order_by("delivered_at").values_list("pk", flat=True)[:limit])
        OutboxEvent.objects.filter(pk__in=ids).delete()
    return len(ids)


def drain_shop(*, now: datetime | None = None) -> bool:
    """The sweep's unit of work: deliver what is due, then clear the shop's mark if nothing is left open.

    Also prunes this shop's old delivered events: only shops that publish grow, and those are the ones the
    sweep visits, so no job has to scan every schema for old rows.

    The mark goes only when no pending/failed event remains (checked under the mark's row locks), so a
    worker killed anywhere in here leaves the shop marked for the next sweep. True: the mark is gone.
    """
    drain_due_events(now=now)
    prune_delivered_events(now=now)
    shop = current_shop()
    if shop is None:
        raise RuntimeError("drain_shop() must run in a shop schema")
    return clear_pending_events_mark(shop, lambda: not has_open_events())


@transaction.atomic
def retry_events(*, event_ids: list[uuid.UUID | str]) -> int:
    """Back-office action: give failed or abandoned events a fresh round of attempts now."""
    shop = current_shop()
    if shop is None:
        raise RuntimeError("retry_events() must run in a shop schema")
    retried = OutboxEvent.objects.filter(pk__in=event_ids, status__in=[EventStatus.FAILED, EventStatus.DEAD])
    ids = list(retried.select_for_update().values_list("pk", flat=True))  # a drain may be finishing one now
    OutboxEvent.objects.filter(pk__in=ids).update(status=EventStatus.FAILED, attempts=0, next_attempt_at=timezone.now())
    if ids:
        mark_pending_events(shop)
        _deliver_after_commit(shop, ids)
    return len(ids)
