"""DRF permission for the merchant API: the caller's platform account has a role on this shop."""

from rest_framework.permissions import BasePermission

from .models import MembershipRole
from .selectors import membership_role

ALL_ROLES = frozenset(MembershipRole.values)


def request_role(request) -> str | None:
    """The signed-in user's role on this shop, looked up once per request and user (sign-in changes the user).

    Shared by the merchant API and the shop back office.
    """
    user_id = getattr(request.user, "pk", None)
    cached = getattr(request, "_shop_role_for", None)
    if cached is None or cached[0] != user_id:
        shop = getattr(request, "shop", None)
        role = membership_role(user=request.user, shop=shop) if shop and user_id else None
        request._shop_role_for = (user_id, role)
    return request._shop_role_for[1]


class HasShopRole(BasePermission):
    """Allow platform users with one of `roles` on request.shop. Views narrow it with `shop_roles`."""

    message = "You do not have a role on this shop that allows this action."

    def has_permission(self, request, view) -> bool:
        shop = getattr(request, "shop", None)
        if shop is None or not getattr(request.user, "is_authenticated", False):
            return False
        request.shop_role = request_role(request)  # views read it (e.g. the caller's role in responses)
        allowed = getattr(view, "shop_roles", ALL_ROLES)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            allowed = getattr(view, "shop_read_roles", allowed)
        return request.shop_role in allowed
