"""What every marketing activity shares (PROMOTIONS.md, "Activities"): a title, a time window and a status.

Concrete tools (flash sales, group buys, bargains, threshold promotions...) subclass `Activity` in their own
app; this app has no tables of its own.

    draft --publish--> scheduled --(starts_at)--> running <--pause/resume--> paused
    scheduled | running | paused --(ends_at, or end)--> ended
    draft | scheduled | running | paused --invalidate--> invalidated          (ended, invalidated: terminal)
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")
    INVALIDATED = "invalidated", _("Invalidated")


class Activity(models.Model):
    title = models.CharField(max_length=100, verbose_name=_("title"))
    status = models.CharField(
        max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT, verbose_name=_("status")
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="%(app_label)s_%(class)s_window"),
        ]

    def __str__(self) -> str:
        return self.title
