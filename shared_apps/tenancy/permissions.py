"""Who may do what on a shop: the caller's role, looked up once per request, checked against roles.py."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import Permission, role_has
from .selectors import membership_role


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


def request_can(request, permission: str) -> bool:
    """Whether the signed-in user's role on this shop grants `permission` (roles.ROLE_PERMISSIONS)."""
    return role_has(request_role(request), permission)


class HasShopPermission(BasePermission):
    """Merchant API: the caller's role on request.shop grants the view's permission.

    Views declare `shop_permission` (for writes) and optionally `shop_read_permission` (GET/HEAD/OPTIONS,
    default: shop.view, which every role has). `shop_roles`/`shop_read_roles` (sets of roles) are still
    honoured for views written before the permission table; new views declare permissions.
    """

    message = "You do not have a role on this shop that allows this action."

    def has_permission(self, request, view) -> bool:
        shop = getattr(request, "shop", None)
        if shop is None or not getattr(request.user, "is_authenticated", False):
            return False
        role = request.shop_role = request_role(request)  # views read it (e.g. the caller's role in responses)
        if role is None:
            return False
        safe = request.method in SAFE_METHODS
        if safe and hasattr(view, "shop_read_roles") and not hasattr(view, "shop_read_permission"):
            return role in view.shop_read_roles
        if not safe and hasattr(view, "shop_roles") and not hasattr(view, "shop_permission"):
            return role in view.shop_roles
        if safe:
            needed = getattr(view, "shop_read_permission", Permission.SHOP_VIEW)
        else:
            needed = getattr(view, "shop_permission", Permission.SHOP_VIEW)
        return role_has(role, needed)


HasShopRole = HasShopPermission  # the name views used before the permission table
