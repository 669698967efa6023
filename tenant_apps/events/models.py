"""The shop's outbox (shop schema): events written in the publisher's transaction, and their deliveries."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("event status", "pending")
    DELIVERED = "delivered", pgettext_lazy("event status", "delivered")
    FAILED = "failed", pgettext_lazy("event status", "failed, will retry")
    DEAD = "dead", pgettext_lazy("event status", "failed, gave up")


OPEN_STATUSES = (EventStatus.PENDING, EventStatus.FAILED)


class OutboxEvent(models.Model):
    """A domain event ("order.paid") waiting for, or done with, delivery to its subscribers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    created = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")

    class Meta:
        ordering = ["created"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "failed"]),
                name="outbox_event_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id}"


class Delivery(models.Model):
    """One handler has applied one event; written in the handler's transaction, so its effect happens once."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(_("handler"), max_length=200)
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="uniq_delivery_event_handler")]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.handler}"
