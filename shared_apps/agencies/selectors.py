"""Reads of agencies: who manages which agency, and with what role."""

from .models import Agency, AgencyMembership, AgencyRole

MANAGING_ROLES = (AgencyRole.OWNER, AgencyRole.ADMIN)


def agency_role(*, user, agency_id: int) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return AgencyMembership.objects.filter(user=user, agency_id=agency_id).values_list("role", flat=True).first()


def agency_roles_of(*, user) -> dict[int, str]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(AgencyMembership.objects.filter(user=user).values_list("agency_id", "role"))


def agency_managed_by(*, user, agency_id) -> Agency | None:
    """The agency if `user` is its owner or admin (may open client shops, add members, run bulk actions)."""
    if not isinstance(agency_id, int) or not getattr(user, "is_authenticated", False):
        return None
    return Agency.objects.filter(pk=agency_id, memberships__user=user, memberships__role__in=MANAGING_ROLES).first()


def agency_visible_to(*, user, agency_id) -> Agency | None:
    if not isinstance(agency_id, int) or not getattr(user, "is_authenticated", False):
        return None
    return Agency.objects.filter(pk=agency_id, memberships__user=user).first()
