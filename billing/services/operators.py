"""Writer of the operator group (billing/operators.py lists its permissions)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from micromall.errors import Invalid

from ..operators import OPERATOR_GROUP, OPERATOR_PERMISSIONS


def ensure_operator_group(group_model=Group, permission_model=Permission):
    """Create the "operator" group or bring its permissions up to date (idempotent). Takes the historical models
    when a migration calls it. Permissions that do not exist yet are skipped (run it again after migrating)."""
    group, _created = group_model.objects.get_or_create(name=OPERATOR_GROUP)
    wanted = []
    for app_label, codename in OPERATOR_PERMISSIONS:
        permission = permission_model.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            wanted.append(permission)
    group.permissions.set(wanted)
    return group


@transaction.atomic
def make_operators(emails: list[str]) -> list:
    """Staff accounts in the operator group (is_staff set; never a superuser). Unknown emails: nothing changes."""
    from django.contrib.auth import get_user_model

    group = ensure_operator_group()
    users, unknown = [], []
    for email in emails:
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        (users if user else unknown).append(user or email)
    if unknown:
        raise Invalid(errors={"email": [f"No platform account uses {', '.join(unknown)}."]})
    for user in users:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(group)
    return users
