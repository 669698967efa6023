"""The one door from shop code (tenant_apps) to the control plane. Checked by import-linter.

Shop code may ask which shop it runs in, run work in another shop's schema, build links to the shop,
check a platform user's role on the shop, register back-office screens and hand its events to the
public schema (one generic door: deliver_to_platform; see docs/events.md). Nothing else.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django_tenants.utils import tenant_context

from .admin_site import ShopAdminSite, ShopModelAdmin, shop_admin_site
from .models import MembershipRole, Shop
from .permissions import HasShopRole
from .platform_events import (
    PlatformEvent,
    clear_pending_events_mark,
    deliver_to_platform,
    mark_pending_events,
    platform_handlers,
    platform_subscriber,
    shops_with_pending_events,
)
from .selectors import membership_role, shop_staff_emails, shop_url

T = TypeVar("T")

__all__ = [
    "HasShopRole",
    "MembershipRole",
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
    "run_in_shop",
    "shop_admin_site",
    "shop_staff_emails",
    "shop_url",
    "shops_with_pending_events",
    "technical_fee_bps",
]


def technical_fee_bps(shop: Shop) -> int | None:
    """The technical fee (basis points) of the shop's plan, None without a subscription (billing decides)."""
    from billing.interface import technical_fee_bps as plan_bps

    return plan_bps(shop)


def current_shop() -> Shop | None:
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Shop) else None


def run_in_shop(shop: Shop, fn: Callable[[], T]) -> T:
    """Run `fn` with the connection pointed at `shop`'s schema, then restore the previous schema."""
    with tenant_context(shop):
        return fn()
