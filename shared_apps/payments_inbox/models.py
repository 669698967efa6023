"""Stripe Connect events for shop payments, as received on the platform host (public schema)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")
    UNROUTED = "unrouted", _("No matching shop")


class StripeConnectEvent(models.Model):
    """One Stripe event, stored before it is applied; the unique event id makes replays no-ops."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    account = models.CharField(max_length=64, blank=True, db_index=True)
    # The shop it was routed to: a plain schema name, so this table never points into shop data.
    shop_schema = models.CharField(max_length=63, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.RECEIVED)
    outcome = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("Stripe shop-payment event")
        verbose_name_plural = _("Stripe shop-payment events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type} ({self.status})"
