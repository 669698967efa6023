"""The one door from shop code (tenant_apps) to the control plane. Checked by import-linter.

Shop code may ask which shop it runs in, run work in another shop's schema, build links to the shop,
check what a platform user's role on the shop permits (roles.py) and register back-office screens. Nothing else.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django_tenants.utils import tenant_context

from .admin_site import ShopAdminSite, ShopModelAdmin, shop_admin_site
from .models import MembershipRole, Shop
from .permissions import HasShopPermission, HasShopRole, request_can
from .roles import Permission, role_has, roles_with
from .selectors import membership_role, shop_staff_emails, shop_url

T = TypeVar("T")

__all__ = [
    "HasShopPermission",
    "HasShopRole",
    "MembershipRole",
    "Permission",
    "Shop",
    "ShopAdminSite",
    "ShopModelAdmin",
    "current_shop",
    "membership_role",
    "request_can",
    "role_has",
    "roles_with",
    "run_in_shop",
    "shop_admin_site",
    "shop_staff_emails",
    "shop_url",
]


def current_shop() -> Shop | None:
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Shop) else None


def run_in_shop(shop: Shop, fn: Callable[[], T]) -> T:
    """Run `fn` with the connection pointed at `shop`'s schema, then restore the previous schema."""
    with tenant_context(shop):
        return fn()
