"""Notifications (shop schema): one row per e-mail sent for an event, so a redelivered event sends nothing twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    ORDER_PAID = "order_paid", _("Order paid")
    ORDER_SHIPPED = "order_shipped", _("Order shipped")
    AFTERSALE_DECIDED = "aftersale_decided", _("After-sales decision")
    REFUND_REFUSED = "refund_refused", _("Refund needs attention")


class SentNotice(models.Model):
    event_id = models.UUIDField()
    kind = models.CharField(max_length=30, choices=NoticeKind.choices, verbose_name=_("kind"))
    audience = models.CharField(max_length=10, verbose_name=_("audience"))  # shopper | staff
    recipient = models.EmailField(verbose_name=_("recipient"))
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    order_number = models.CharField(max_length=32, blank=True, verbose_name=_("order number"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")
        constraints = [models.UniqueConstraint(fields=["event_id", "recipient"], name="uniq_notice_event_recipient")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
