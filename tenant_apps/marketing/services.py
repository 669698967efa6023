"""Activity status writers, shared by every tool: one transaction each, the row locked."""

from datetime import datetime

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from micromall.errors import Conflict, Invalid

from . import lifecycle
from .boundaries import note_boundary
from .entries import entries_changed
from .models import ActivityStatus
from .registry import activity_models, clocks

ACTION_LABELS = {
    "publish": gettext_lazy("published"),
    "pause": gettext_lazy("paused"),
    "resume": gettext_lazy("resumed"),
    "end": gettext_lazy("ended"),
    "invalidate": gettext_lazy("invalidated"),
}


def check_window(starts_at: datetime | None, ends_at: datetime | None) -> None:
    """Invalid with field messages unless both times are given and the window is not empty."""
    errors = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the start time.")]
    if ends_at is None:
        errors["ends_at"] = [_("Give the end time.")]
    if not errors and ends_at <= starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    if errors:
        raise Invalid(errors=errors)


def check_activity(values: dict) -> dict[str, list[str]]:
    """Field messages for what every activity has: a title (1-100 characters) and a non-empty window."""
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the activity a title.")]
    elif len(title) > 100:
        errors["title"] = [_("At most 100 characters.")]
    try:
        check_window(values.get("starts_at"), values.get("ends_at"))
    except Invalid as bad:
        errors.update(bad.errors)
    return errors


@transaction.atomic
def change_activity_status(model, *, activity_id: int, action: str, now: datetime | None = None):
    """Apply `action` (publish, pause, resume, end, invalidate) to the activity; 409 when not allowed now."""
    now = now or timezone.now()
    if action not in lifecycle.ACTIONS:
        raise Invalid(errors={"action": [_("Unknown action.")]})
    activity = model.objects.select_for_update().get(pk=activity_id)
    target = lifecycle.next_status(action, activity.status, activity.starts_at, activity.ends_at, now)
    if target is None:
        current = lifecycle.effective_status(activity.status, activity.starts_at, activity.ends_at, now)
        raise Conflict(
            _("This activity cannot be %(action)s now: it is %(status)s.")
            % {"action": ACTION_LABELS[action], "status": ActivityStatus(current).label},
            status=current,
        )
    activity.status = target
    activity.save(update_fields=["status", "updated"])
    entries_changed()
    note_boundary(activity.starts_at if target == ActivityStatus.SCHEDULED else activity.ends_at)
    return activity


@transaction.atomic
def sync_statuses(now: datetime | None = None) -> dict[str, int]:
    """Catch the stored statuses of every registered activity model up with the clock (set-based UPDATEs), run
    the tools' clocks (registry.register_clock), then index the shop's next boundary. Idempotent; run by the
    beat task in the shop's schema."""
    now = now or timezone.now()
    changed = {"started": 0, "ended": 0}
    coming = []
    for model in activity_models():
        changed["ended"] += model.objects.filter(
            status__in=[ActivityStatus.SCHEDULED, ActivityStatus.RUNNING, ActivityStatus.PAUSED], ends_at__lte=now
        ).update(status=ActivityStatus.ENDED, updated=now)
        changed["started"] += model.objects.filter(
            status=ActivityStatus.SCHEDULED, starts_at__lte=now, ends_at__gt=now
        ).update(status=ActivityStatus.RUNNING, updated=now)
        nearest = model.objects.filter(
            Q(status=ActivityStatus.SCHEDULED) | Q(status__in=[ActivityStatus.RUNNING, ActivityStatus.PAUSED])
        ).aggregate(start=Min("starts_at", filter=Q(status=ActivityStatus.SCHEDULED)), end=Min("ends_at"))
        coming += [moment for moment in nearest.values() if moment is not None]
    coming += [moment for moment in (clock(now) for clock in clocks()) if moment is not None]
    if coming:
        note_boundary(min(coming))
    return changed
