"""What other shop apps may use of coupons.

- `issue_coupon(template_id, member_id, reason)`: a reward from another tool (check-in, invites, a won
  activity...). Takes the template's stock (Conflict when sold out); not bound by the self-claim limits.
- `issue_to_members(template_id, member_ids)`: one coupon to each member of a CRM segment, all or nothing
  (Conflict when the stock does not cover them, Invalid for unknown members).
- `member_coupon_counts(member_id)`: {status: count} for a member page.
Run inside the shop's schema and a transaction of your own if you need the issue to roll back with your work.
"""

from datetime import datetime

from django.utils import timezone

from . import selectors, services
from .models import IssueSource


def issue_coupon(template_id: int, member_id: int, reason: str = "") -> str:
    """Issue one coupon of `template_id` to `member_id` as a reward; returns its code."""
    return services.issue_coupon(
        coupon_id=template_id, member_id=member_id, source=IssueSource.REWARD, reason=reason
    ).code


def issue_to_members(template_id: int, member_ids, reason: str = "") -> int:
    """Issue one coupon of `template_id` to each member (duplicates once); returns how many were issued."""
    return len(services.issue_to_members(coupon_id=template_id, member_ids=member_ids, reason=reason))


def member_coupon_counts(member_id: int, now: datetime | None = None) -> dict[str, int]:
    counts: dict[str, int] = {}
    now = now or timezone.now()
    for coupon in selectors.member_coupons(member_id=member_id, now=now):
        status = selectors.display_status(coupon, now)
        counts[status] = counts.get(status, 0) + 1
    return counts


__all__ = ["issue_coupon", "issue_to_members", "member_coupon_counts"]
