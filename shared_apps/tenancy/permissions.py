"""DRF permission for the merchant API: the caller's platform account has a role on this shop."""

from rest_framework.permissions import BasePermission

from .models import MembershipRole
from .selectors import membership_role

ALL_ROLES = frozenset(MembershipRole.values)


class HasShopRole(BasePermission):
    """Allow platform users with one of `roles` on request.shop. Views narrow it with `shop_roles`."""

    message = "You do not have a role on this shop that allows this action."

    def has_permission(self, request, view) -> bool:
        shop = getattr(request, "shop", None)
        if shop is None or not getattr(request.user, "is_authenticated", False):
            return False
        if not hasattr(request, "shop_role"):
            request.shop_role = membership_role(user=request.user, shop=shop)
        allowed = getattr(view, "shop_roles", ALL_ROLES)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            allowed = getattr(view, "shop_read_roles", allowed)
        return request.shop_role in allowed
