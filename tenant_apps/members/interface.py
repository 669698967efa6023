"""What other shop apps may use of members: the Member type, the storefront's member authentication, and
the figures the back-office dashboard reads."""

from datetime import datetime

from .authentication import IsMember, MemberTokenAuthentication
from .models import Member
from .profile_extras import register_profile_extra, unregister_profile_extra
from .signals import member_registered

__all__ = [
    "IsMember",
    "Member",
    "MemberTokenAuthentication",
    "member_counts",
    "member_registered",
    "register_profile_extra",
    "unregister_profile_extra",
]


def member_counts(*, since: datetime) -> dict[str, int]:
    """{"total": all active members, "new": members who registered at or after `since`}."""
    members = Member.objects.filter(is_active=True)
    return {"total": members.count(), "new": members.filter(created__gte=since).count()}
