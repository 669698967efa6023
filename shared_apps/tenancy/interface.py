"""The one door from shop code (tenant_apps) to the control plane. Checked by import-linter.

Shop code may ask which shop it runs in, run work in another shop's schema, build links to the shop,
check what a platform user's role on the shop permits (roles.py), register back-office screens and hand
its events to the public schema (one generic door: deliver_to_platform; see docs/events.md). Nothing else.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django_tenants.utils import tenant_context

from .admin_site import ShopAdminSite, ShopModelAdmin, shop_admin_site
from .models import MembershipRole, Shop
from .permissions import HasShopPermission, HasShopRole, request_can
from .platform_events import (
    PlatformEvent,
    clear_pending_events_mark,
    deliver_to_platform,
    mark_pending_events,
    platform_handlers,
    platform_subscriber,
    shops_with_pending_events,
)
from .roles import Permission, role_has, roles_with
from .selectors import membership_role, shop_staff_emails, shop_url, user_labels

T = TypeVar("T")

__all__ = [
    "HasShopPermission",
    "HasShopRole",
    "MembershipRole",
    "Permission",
    "PlatformEvent",
    "Shop",
    "ShopAdminSite",
    "ShopModelAdmin",
    "clear_pending_events_mark",
    "current_shop",
    "deliver_to_platform",
    "mark_pending_events",
    "membership_role",
    "platform_handlers",
    "platform_subscriber",
    "provide_technical_fee",
    "request_can",
    "role_has",
    "roles_with",
    "run_in_shop",
    "shop_admin_site",
    "shop_staff_emails",
    "shop_url",
    "shops_with_pending_events",
    "technical_fee_bps",
    "user_labels",
]


# Billing registers its reader at start-up (billing.apps), so shop code never pulls billing (and what it imports).
_technical_fee_source: Callable[[Shop], int | None] | None = None


def provide_technical_fee(source: Callable[[Shop], int | None]) -> None:
    global _technical_fee_source
    _technical_fee_source = source


def technical_fee_bps(shop: Shop) -> int | None:
    """The technical fee (basis points) of the shop's plan, None without a subscription (billing decides)."""
    return _technical_fee_source(shop) if _technical_fee_source else None


def current_shop() -> Shop | None:
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Shop) else None


def run_in_shop(shop: Shop, fn: Callable[[], T]) -> T:
    """Run `fn` with the connection pointed at `shop`'s schema, then restore the previous schema."""
    with tenant_context(shop):
        return fn()
