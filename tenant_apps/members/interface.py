"""What other apps (and the back-office dashboard) may read about a shop's members."""

from datetime import datetime

from .models import Member

__all__ = ["member_counts"]


def member_counts(*, since: datetime) -> dict[str, int]:
    """{"total": all active members, "new": members who registered at or after `since`}."""
    members = Member.objects.filter(is_active=True)
    return {"total": members.count(), "new": members.filter(created__gte=since).count()}
