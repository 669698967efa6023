"""The back-office frame shared by the shop back office and the operator admin (docs/backoffice.md).

Apps put their screens into a navigation group with `register` (model screens) or `add_link` (custom
views) and put numbers and charts on the dashboard with `dashboard_card` and `dashboard_chart`. Tenant apps
get the shop site through shared_apps.tenancy.interface; this package imports no app.
"""

from importlib import import_module

__all__ = [
    "Card",
    "Chart",
    "GroupedAdminSite",
    "GroupedModelAdmin",
    "NavGroup",
    "ReadOnlyInline",
    "ReadOnlyMixin",
    "add_link",
    "dashboard_card",
    "dashboard_chart",
    "register",
]

_HOMES = {
    "Card": "navigation",
    "Chart": "navigation",
    "add_link": "navigation",
    "dashboard_card": "navigation",
    "dashboard_chart": "navigation",
    "register": "navigation",
    "GroupedAdminSite": "sites",
    "GroupedModelAdmin": "sites",
    "NavGroup": "sites",
    "ReadOnlyInline": "readonly",
    "ReadOnlyMixin": "readonly",
}


def __getattr__(name: str):
    # Lazy: this package is also an installed app, imported before Django's admin can be.
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(name)
