"""Reads of the outbox."""

from .models import OPEN_STATUSES, OutboxEvent


def has_open_events() -> bool:
    """Anything pending or failed-and-retrying in the current shop (dead events wait for a person)."""
    return OutboxEvent.objects.filter(status__in=OPEN_STATUSES).exists()
