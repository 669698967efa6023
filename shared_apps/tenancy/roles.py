"""The one role -> permission table of a shop. The merchant API (HasShopPermission), the back office
(ShopModelAdmin) and the domain screens ask for a permission, never for a list of roles.

A screen or endpoint declares the permission it needs; adding a role or moving a duty between roles is a
change of this table only.
"""

from enum import StrEnum

from .models import MembershipRole


class Permission(StrEnum):
    SHOP_VIEW = "shop.view"  # read the back office and the merchant API
    BACKOFFICE_EDIT = "backoffice.edit"  # edit on back-office screens that declare no narrower permission
    BACKOFFICE_DELETE = "backoffice.delete"  # delete on such screens
    CATALOG_MANAGE = "catalog.manage"
    CATALOG_DELETE = "catalog.delete"
    CATALOG_ALERTS = "catalog.alerts"  # receives low-stock e-mails
    ORDERS_VIEW = "orders.view"
    ORDERS_MANAGE = "orders.manage"
    AFTERSALES_MANAGE = "aftersales.manage"
    MEMBERS_MANAGE = "members.manage"
    THEME_MANAGE = "theme.manage"
    DOMAINS_MANAGE = "domains.manage"
    MARKETING_MANAGE = "marketing.manage"
    DISTRIBUTION_MANAGE = "distribution.manage"
    WITHDRAWALS_MANAGE = "withdrawals.manage"
    ANALYTICS_VIEW = "analytics.view"
    ANALYTICS_MANAGE = "analytics.manage"  # the data centre's settings: retention (shorter deletes history)
    INVOICES_VIEW = "invoices.view"
    BILLING_VIEW = "billing.view"  # plan, trial, fee ledger (套餐与账单)
    BILLING_MANAGE = "billing.manage"
    STAFF_MANAGE = "staff.manage"
    SHOP_TRANSFER = "shop.transfer"


ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    MembershipRole.OWNER: ALL,
    MembershipRole.ADMIN: ALL - {Permission.BILLING_MANAGE, Permission.SHOP_TRANSFER},
    MembershipRole.STAFF: frozenset(
        {
            Permission.SHOP_VIEW,
            Permission.BACKOFFICE_EDIT,
            Permission.CATALOG_MANAGE,
            Permission.ORDERS_VIEW,
            Permission.ORDERS_MANAGE,
            Permission.AFTERSALES_MANAGE,
        }
    ),
    # Finance reads orders and the catalog, pays out withdrawals, reads invoices and billing; changes nothing else.
    MembershipRole.FINANCE: frozenset(
        {
            Permission.SHOP_VIEW,
            Permission.ORDERS_VIEW,
            Permission.WITHDRAWALS_MANAGE,
            Permission.INVOICES_VIEW,
            Permission.BILLING_VIEW,
            Permission.ANALYTICS_VIEW,
        }
    ),
}


def permissions_of(role: str | None) -> frozenset[Permission]:
    return ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()


def role_has(role: str | None, permission: str) -> bool:
    return permission in permissions_of(role)


def roles_with(permission: str) -> list[str]:
    """The roles holding `permission`, in the table's order (e.g. who receives an alert)."""
    return [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]
