"""Reads of the outbox."""

import uuid

from django.utils import timezone

from .models import OPEN_STATUSES, OutboxEvent


def has_open_events() -> bool:
    """Anything pending or failed-and-retrying in the current shop (dead events wait for a person)."""
    return OutboxEvent.objects.filter(status__in=OPEN_STATUSES).exists()


def seconds_until_next_attempt(event_id: uuid.UUID | str) -> float | None:
    """How long a failed event waits before its next attempt; None when it is not open any more."""
    due = OutboxEvent.objects.filter(pk=event_id, status__in=OPEN_STATUSES).values_list("next_attempt_at", flat=True)
    next_attempt_at = due.first()
    return None if next_attempt_at is None else max((next_attempt_at - timezone.now()).total_seconds(), 0.0)
