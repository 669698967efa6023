"""Reads of the outbox (back office, tests, monitoring)."""

from django.db.models import Count

from .models import OPEN_STATUSES, OutboxEvent


def open_event_count() -> int:
    return OutboxEvent.objects.filter(status__in=OPEN_STATUSES).count()


def event_counts_by_status() -> dict[str, int]:
    return dict(OutboxEvent.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
