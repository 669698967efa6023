"""GroupedAdminSite: an Unfold admin site whose sidebar is built from groups that apps register into."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.sites import UnfoldAdminSite


@dataclass(frozen=True)
class NavGroup:
    key: str
    title: str | Promise
    icon: str = ""


@dataclass
class NavLink:
    """A sidebar entry that is not a model's list: a custom view (url name, path or callable(request))."""

    group: str
    title: str | Promise
    url: Any
    order: int = 100
    icon: str = ""
    permission: Any = None  # callable(request) -> bool; None = anyone who may use the site


@dataclass
class DashboardCard:
    key: str
    title: str | Promise
    compute: Any  # callable(request) -> Card | None
    order: int = 100


@dataclass
class Card:
    """What a dashboard card shows: a value already formatted (¥129.00, 12) and optional hint and link."""

    value: str | int
    hint: str | Promise = ""
    link: str = ""
    tone: str = "default"  # "default" | "warning"
    title: str | Promise = field(default="")


@dataclass
class DashboardChart:
    key: str
    title: str | Promise
    compute: Any  # callable(request) -> Chart | None
    order: int = 100


@dataclass
class Chart:
    """What a dashboard chart shows. The frame knows no charting library: `data` (JSON-serialisable, e.g. an
    ECharts option) is put in a json_script beside an empty canvas marked `data-renderer`, and `scripts` (static
    paths, loaded once per page in registration order) draw it."""

    data: Any
    renderer: str
    scripts: tuple[str, ...] = ()
    hint: str | Promise = ""
    link: str = ""
    label: str | Promise = ""  # the canvas' accessible name; defaults to the title
    title: str | Promise = field(default="")


class GroupedModelAdmin(UnfoldModelAdmin):
    """Unfold's ModelAdmin plus where the screen sits in the sidebar (see docs/backoffice.md)."""

    backoffice_group: str | None = None
    backoffice_order: int = 100
    backoffice_icon: str = ""
    backoffice_title: str | Promise | None = None  # defaults to the model's verbose_name_plural


class GroupedAdminSite(UnfoldAdminSite):
    """Sidebar groups in a fixed order; screens land in a group by their ModelAdmin's `backoffice_group`,
    else by their app label (`app_groups`), else in `default_group`."""

    nav_groups: tuple[NavGroup, ...] = ()
    app_groups: dict[str, str] = {}
    default_group = "settings"
    dashboard_title = _("Overview")
    dashboard_template = "backoffice/dashboard.html"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.nav_links: list[NavLink] = []
        self.dashboard_cards: list[DashboardCard] = []
        self.dashboard_charts: list[DashboardChart] = []

    # -- registration -------------------------------------------------------------------------------
    def add_nav_link(self, link: NavLink) -> None:
        self._check_group(link.group)
        self.nav_links = [existing for existing in self.nav_links if existing.title != link.title] + [link]

    def add_dashboard_card(self, card: DashboardCard) -> None:
        self.dashboard_cards = [existing for existing in self.dashboard_cards if existing.key != card.key] + [card]

    def add_dashboard_chart(self, chart: DashboardChart) -> None:
        self.dashboard_charts = [existing for existing in self.dashboard_charts if existing.key != chart.key] + [chart]

    def _check_group(self, key: str) -> None:
        if key not in {group.key for group in self.nav_groups}:
            known = ", ".join(group.key for group in self.nav_groups)
            raise ValueError(f"unknown back-office group {key!r} on {self.name}; use one of: {known}")

    def group_of(self, model_admin) -> str:
        group = getattr(model_admin, "backoffice_group", None)
        return group or self.app_groups.get(model_admin.opts.app_label, self.default_group)

    # -- sidebar ------------------------------------------------------------------------------------
    def get_sidebar_list(self, request: HttpRequest) -> list[dict[str, Any]]:
        entries: dict[str, list[tuple[int, dict]]] = {group.key: [] for group in self.nav_groups}
        for model, model_admin in self._registry.items():
            if not (model_admin.has_module_permission(request) and model_admin.has_view_permission(request)):
                continue
            url = self._model_url(model)
            if url is None:
                continue
            title = getattr(model_admin, "backoffice_title", None) or model._meta.verbose_name_plural
            item = self._item(request, title, url, getattr(model_admin, "backoffice_icon", ""))
            entries.setdefault(self.group_of(model_admin), []).append(
                (getattr(model_admin, "backoffice_order", 100), item)
            )
        for link in self.nav_links:
            if link.permission is not None and not link.permission(request):
                continue
            url = self._resolve(link.url, request)
            if url:
                entries[link.group].append((link.order, self._item(request, link.title, url, link.icon)))
        home = reverse(f"{self.name}:index", current_app=self.name)
        sidebar = [{"title": "", "items": [self._item(request, self.dashboard_title, home, "dashboard")]}]
        for group in self.nav_groups:
            items = [item for _order, item in sorted(entries.get(group.key, []), key=lambda pair: pair[0])]
            if items:
                sidebar.append({"title": group.title, "items": items})
        return sidebar

    def _item(self, request: HttpRequest, title, url: str, icon: str) -> dict[str, Any]:
        return {
            "title": title,
            "link": url,
            "icon": icon,
            "active": self._get_is_active(request, url),
            "has_permission": True,
        }

    def _model_url(self, model) -> str | None:
        try:
            return reverse(
                f"{self.name}:{model._meta.app_label}_{model._meta.model_name}_changelist", current_app=self.name
            )
        except NoReverseMatch:
            return None

    def _resolve(self, url, request: HttpRequest) -> str | None:
        if callable(url):
            return url(request)
        if url.startswith("/"):
            return url
        try:
            return reverse(url, current_app=self.name)
        except NoReverseMatch:
            return None

    # -- pages --------------------------------------------------------------------------------------
    def dashboard_cards_for(self, request: HttpRequest) -> list[dict[str, Any]]:
        cards = []
        for card in sorted(self.dashboard_cards, key=lambda c: c.order):
            result = card.compute(request)
            if result is None:
                continue
            if not isinstance(result, Card):
                result = Card(value=result)
            cards.append(
                {
                    "key": card.key,
                    "title": result.title or card.title,
                    "value": result.value,
                    "hint": result.hint,
                    "link": result.link,
                    "tone": result.tone,
                }
            )
        return cards

    def dashboard_charts_for(self, request: HttpRequest) -> tuple[list[dict[str, Any]], list[str]]:
        """The charts this request may see, and the scripts that draw them (each once, in order)."""
        charts, scripts = [], []
        for chart in sorted(self.dashboard_charts, key=lambda c: c.order):
            result = chart.compute(request)
            if result is None:
                continue
            title = result.title or chart.title
            charts.append(
                {
                    "key": chart.key,
                    "title": title,
                    "label": result.label or title,
                    "data": result.data,
                    "data_id": f"bo-chart-data-{chart.key}",
                    "renderer": result.renderer,
                    "hint": result.hint,
                    "link": result.link,
                }
            )
            scripts += [script for script in result.scripts if script not in scripts]
        return charts, scripts

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        charts, chart_scripts = self.dashboard_charts_for(request)
        context = {
            **self.each_context(request),
            "title": self.dashboard_title,
            "subtitle": None,
            "cards": self.dashboard_cards_for(request),
            "charts": charts,
            "chart_scripts": chart_scripts,
            "quick_links": [group for group in self.get_sidebar_list(request)[1:] if group["items"]],
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, self.dashboard_template, context)


class OperatorAdminSite(GroupedAdminSite):
    """The platform host's admin for the operator's staff (Django's default `admin.site`)."""

    site_header = _("Micromall operator console")
    site_title = _("Micromall operator console")
    index_title = _("Platform")
    nav_groups = (
        NavGroup("shops", _("Shops"), "storefront"),
        NavGroup("billing", _("Billing"), "payments"),
        NavGroup("accounts", _("Accounts"), "group"),
        NavGroup("templates", _("Templates"), "palette"),
        NavGroup("settings", _("Settings"), "settings"),
    )
    app_groups = {
        "tenancy": "shops",
        "billing": "billing",
        "accounts": "accounts",
        "agencies": "accounts",
        "auth": "accounts",
        "gallery": "templates",
    }

    def each_context(self, request):
        context = super().each_context(request)
        context["site_header"] = self.site_header
        context["site_title"] = self.site_title
        return context
