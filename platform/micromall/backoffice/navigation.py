"""How apps put their screens and numbers into the back office (docs/backoffice.md)."""

from collections.abc import Callable

from django.utils.functional import Promise

from .sites import Card, Chart, DashboardCard, DashboardChart, GroupedAdminSite, NavLink

__all__ = ["Card", "Chart", "add_link", "dashboard_card", "dashboard_chart", "register"]


def register(
    *models,
    site: GroupedAdminSite,
    group: str,
    order: int = 100,
    icon: str = "",
    title: str | Promise | None = None,
) -> Callable:
    """Class decorator: register a ModelAdmin on `site` and place its list in sidebar `group`.

    @backoffice.register(Order, site=shop_admin_site, group="orders", order=10, icon="receipt_long")
    class OrderAdmin(ShopModelAdmin): ...
    """
    site._check_group(group)

    def wrap(admin_class):
        admin_class.backoffice_group = group
        admin_class.backoffice_order = order
        admin_class.backoffice_icon = icon or getattr(admin_class, "backoffice_icon", "")
        if title is not None:
            admin_class.backoffice_title = title
        site.register(models, admin_class)
        return admin_class

    return wrap


def add_link(
    *,
    site: GroupedAdminSite,
    group: str,
    title: str | Promise,
    url: str | Callable,
    order: int = 100,
    icon: str = "",
    permission: Callable | None = None,
) -> None:
    """A sidebar entry for a custom view: `url` is a URL name (reversed in the site's namespace), a path,
    or callable(request) -> path; `permission(request) -> bool` hides it from who may not use it."""
    site.add_nav_link(NavLink(group=group, title=title, url=url, order=order, icon=icon, permission=permission))


def dashboard_card(*, site: GroupedAdminSite, key: str, title: str | Promise, order: int = 100) -> Callable:
    """Function decorator: `fn(request) -> Card | int | str | None` becomes a card on the site's dashboard.
    Return None to hide the card (e.g. the user's role may not see the number)."""

    def wrap(fn):
        site.add_dashboard_card(DashboardCard(key=key, title=title, compute=fn, order=order))
        return fn

    return wrap


def dashboard_chart(*, site: GroupedAdminSite, key: str, title: str | Promise, order: int = 100) -> Callable:
    """Function decorator: `fn(request) -> Chart | None` becomes a chart on the site's dashboard, below the cards.
    Return None to hide it (a role that may not see the figures). Keep the query count small and fixed: the home
    page is the back office's hottest page."""

    def wrap(fn):
        site.add_dashboard_chart(DashboardChart(key=key, title=title, compute=fn, order=order))
        return fn

    return wrap
