"""The shop back office's home: figures that exist today. Orders, payments, after-sales and analytics add their
own cards with micromall.backoffice.dashboard_card (keys and order in docs/backoffice.md)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from micromall.backoffice.navigation import Card, dashboard_card
from tenant_apps.catalog import interface as catalog
from tenant_apps.members import interface as members

from .admin_site import shop_admin_site


def _changelist(app_model: str, query: str = "") -> str:
    return reverse(f"shop_admin:{app_model}_changelist", current_app="shop_admin") + query


@dashboard_card(site=shop_admin_site, key="low_stock", title=_("Low-stock SKUs"), order=40)
def low_stock_card(request) -> Card:
    alerts = catalog.stock_alerts()
    return Card(
        value=alerts["low_stock"],
        hint=gettext("Sold out: %(count)s") % {"count": alerts["sold_out"]},
        link=_changelist("catalog_sku"),
        tone="warning" if alerts["low_stock"] or alerts["sold_out"] else "default",
    )


@dashboard_card(site=shop_admin_site, key="products_on_sale", title=_("Products on sale"), order=60)
def products_card(request) -> Card:
    return Card(value=catalog.products_on_sale(), link=_changelist("catalog_product", "?status__exact=active"))


@dashboard_card(site=shop_admin_site, key="new_members_today", title=_("New members today"), order=70)
def members_card(request) -> Card:
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts = members.member_counts(since=start_of_day)
    return Card(
        value=counts["new"],
        hint=gettext("Members: %(count)s") % {"count": counts["total"]},
        link=_changelist("members_member"),
    )
