"""Back office, group 数据 (Data): the overview with charts (ECharts, served from our static files), CSV exports
of every table, the retention setting, and the home page's cards (today's orders, paid amount, visitors,
pending after-sales) from real data. Reads only; the one write (settings) goes through services."""

from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from micromall import backoffice
from micromall.admin_forms import ServiceErrorsAdmin
from micromall.backoffice.navigation import Card, Chart, dashboard_card, dashboard_chart
from micromall.money import format_money
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, request_can, shop_admin_site
from tenant_apps.orders import interface as orders

from . import crm, exports, selectors, services
from .models import AnalyticsSettings, MemberTag, Segment

KPIS = [
    # key, label, kind
    ("gmv_amount", _("Paid amount"), "money"),
    ("paid_orders", _("Paid orders"), "count"),
    ("orders", _("Orders placed"), "count"),
    ("visitors", _("Visitors (UV)"), "count"),
    ("pv", _("Page views (PV)"), "count"),
    ("average_order_amount", _("Average spend per buyer"), "money"),
    ("add_to_cart_rate", _("Add-to-cart rate"), "rate"),
    ("conversion_rate", _("Payment conversion"), "rate"),
    ("repeat_purchase_rate", _("Repeat purchase rate"), "rate"),
    ("share_rate", _("Share rate"), "rate"),
    ("fission_rate", _("Fission coefficient"), "ratio"),
    ("paying_members", _("Paying members"), "count"),
]
ADDED_TO_CART = pgettext_lazy("data centre", "Added to cart")
FUNNEL_STEPS = {
    "visitors": _("Visited"),
    "product_visitors": _("Viewed a product"),
    # a context of their own: other apps' "Added to cart" / "Ordered" / "Paid" are a toast and order states
    "cart_visitors": pgettext_lazy("funnel step", "Added to cart"),
    "orders": pgettext_lazy("funnel step", "Ordered"),
    "paid_orders": pgettext_lazy("funnel step", "Paid"),
}
TABLES = {
    "products": [("label", _("Product")), ("views", _("Views")), ("visitors", _("Visitors")),
                 ("cart_visitors", ADDED_TO_CART), ("paid_orders", _("Paid orders")), ("units", _("Units")),
                 ("amount", _("Paid amount (yuan)"))],
    "categories": [("label", _("Category")), ("views", _("Views")), ("visitors", _("Visitors")),
                   ("cart_visitors", ADDED_TO_CART), ("paid_orders", _("Paid orders")), ("units", _("Units")),
                   ("amount", _("Paid amount (yuan)"))],
    "distributors": [("label", _("Distributor code")), ("visitors", _("Visitors brought")),
                     ("cart_visitors", ADDED_TO_CART), ("buyers", _("Buyers")), ("paid_orders", _("Paid orders")),
                     ("amount", _("Paid amount (yuan)"))],
    "sources": [("label", _("Source")), ("visitors", _("Visitors")), ("paying_members", _("Paying members"))],
    "daily": [("date", _("Date")), ("visitors", _("Visitors (UV)")), ("pv", _("Page views (PV)")),
              ("orders", _("Orders placed")), ("paid_orders", _("Paid orders")),
              ("gmv_amount", _("Paid amount (yuan)")), ("conversion_rate", _("Payment conversion"))],
    "funnel": [("label", _("Step")), ("value", _("Count"))],
}  # fmt: skip
SHEET_TITLES = {
    "summary": _("Key figures"),
    "daily": _("Sales trend"),
    "funnel": _("Conversion funnel"),
    "products": _("Products"),
    "categories": _("Categories"),
    "distributors": _("Distributors"),
    "sources": _("Sources"),
}


def can_view(request) -> bool:
    return request_can(request, Permission.ANALYTICS_VIEW)


def fmt(value, kind: str) -> str:
    if kind == "money":
        return format_money(value)
    if kind == "rate":
        return f"{value * 100:.2f}%"
    if kind == "ratio":
        return f"{value:.2f}"
    return f"{value:,}"


def change_text(now, before) -> str:
    if not before:
        return "—" if not now else "+∞"
    change = (now - before) / before * 100
    return f"{change:+.1f}%"


class RangeForm(forms.Form):
    start = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    product = forms.IntegerField(required=False, min_value=1, label=_("Campaign product id"))

    def clean(self):
        data = super().clean()
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=6)
        if start > end:
            raise forms.ValidationError(gettext("The start date is after the end date."))
        if (end - start).days + 1 > selectors.MAX_DAYS:
            raise forms.ValidationError(gettext("A date range covers at most 366 days."))
        data["start"], data["end"] = start, end
        return data


def period_of(request) -> tuple[date, date, int | None, RangeForm]:
    form = RangeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data.get("product"), form
    end = timezone.localdate()
    return end - timedelta(days=6), end, None, form


def kpi_rows(figures: dict, previous: dict) -> list[dict]:
    return [
        {
            "key": key,
            "label": str(label),
            "kind": kind,
            "value": figures[key],
            "previous": previous[key],
            "text": fmt(figures[key], kind),
            "previous_text": fmt(previous[key], kind),
            "change_text": change_text(figures[key], previous[key]),
            "up": figures[key] >= previous[key],
        }
        for key, label, kind in KPIS
    ]


def report(start: date, end: date) -> dict:
    figures = selectors.summary(start, end)
    previous = selectors.summary(*selectors.previous_period(start, end))
    return {
        "kpis": kpi_rows(figures, previous),
        "daily": selectors.daily(start, end),
        "funnel": [{"label": str(FUNNEL_STEPS[s["step"]]), **s} for s in selectors.funnel(start, end, figures)],
        "products": selectors.top_products(start, end, 20),
        "categories": selectors.top_categories(start, end, 20),
        "distributors": selectors.top_distributors(start, end, 20),
        "sources": selectors.top_sources(start, end, 20),
    }


DISTRIBUTOR_FUNNEL = ("visitors", "cart_visitors", "buyers", "paid_orders")


def distributor_funnels(rows: list[dict]) -> list[dict]:
    """One funnel per distributor of the ranking (visitors brought → added to cart → buyers → paid orders), named
    like the ranking table's columns; the overview draws the one picked in its selector."""
    names = dict(TABLES["distributors"])
    return [
        {"label": row["label"], "steps": [{"name": str(names[key]), "value": row[key]} for key in DISTRIBUTOR_FUNNEL]}
        for row in rows
    ]


def table(name: str, rows: list[dict]) -> dict:
    columns = TABLES[name]
    cells = []
    for row in rows:
        cells.append(
            [
                format_money(row.get(key)) if key == "amount" or key.endswith("_amount")
                else fmt(row.get(key), "rate") if key.endswith("_rate") else row.get(key, "")
                for key, _label in columns
            ]
        )  # fmt: skip
    return {
        "name": name,
        "headers": [str(label) for _key, label in columns],
        "rows": cells,
        "export": export_urls(name),
    }


def export_urls(name: str) -> dict[str, str]:
    """{"csv": url, "xlsx": url} of a data-centre table's downloads."""
    return {
        fmt: reverse("shop_admin:analytics_export", args=[name, fmt], current_app="shop_admin")
        for fmt in exports.FORMATS
    }


@admin.register(AnalyticsSettings, site=shop_admin_site)
class AnalyticsSettingsAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    """The retention setting; its URLs also carry the overview and the exports."""

    fields = ["retention_days"]
    manage_permission = Permission.ANALYTICS_MANAGE  # a shorter retention deletes history: owners and admins
    backoffice_order = 90
    backoffice_icon = "tune"

    def has_add_permission(self, request):
        return not AnalyticsSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.update_settings(retention_days=obj.retention_days)

    def get_urls(self):
        site = self.admin_site
        return [
            path("overview/", site.admin_view(self.overview_view), name="analytics_overview"),
            re_path(
                r"^export/(?P<name>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
                site.admin_view(self.export_view),
                name="analytics_export",
            ),
            *super().get_urls(),
        ]

    def overview_view(self, request):
        if not can_view(request):
            raise Http404
        start, end, product_id, form = period_of(request)
        data = report(start, end)
        tree = selectors.fission_tree(start, end, product_id=product_id)
        query = request.GET.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Data overview"),
            "form": form,
            "start": start,
            "end": end,
            "previous": selectors.previous_period(start, end),
            "kpis": data["kpis"],
            "tables": [table(name, data[name]) for name in ("products", "categories", "distributors", "sources")],
            "export_query": query,
            "exports": {name: export_urls(name) for name in [*TABLES, "summary"]},
            "chart_data": {
                "daily": [
                    {**row, "date": row["date"].isoformat(), "gmv_yuan": row["gmv_amount"] / 100}
                    for row in data["daily"]
                ],
                "funnel": data["funnel"],
                "products": [
                    {"label": r["label"], "amount_yuan": r["amount"] / 100, "views": r["views"]}
                    for r in data["products"][:10]
                ],
                "distributors": [
                    {"label": r["label"], "amount_yuan": r["amount"] / 100, "visitors": r["visitors"]}
                    for r in data["distributors"][:10]
                ],
                "sources": [{"label": r["label"], "visitors": r["visitors"]} for r in data["sources"]],
                "distributor_funnels": distributor_funnels(data["distributors"]),
                "tree": tree,
                "words": {
                    "visitors": gettext("Visitors (UV)"),
                    "paid_amount": gettext("Paid amount (yuan)"),
                    "paid_orders": gettext("Paid orders"),
                    "views": gettext("Views"),
                    "shop": gettext("Sharers"),
                    "member": gettext("Member"),
                    "visitor": gettext("Visitor"),
                    "arrivals": gettext("Arrivals"),
                    "nothing": gettext("No data in this period yet."),
                },
            },
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "analytics/overview.html", context)

    def export_view(self, request, name: str, fmt: str):
        if not can_view(request):
            raise Http404
        if name != "summary" and name not in TABLES:
            raise Http404
        start, end, _product, form = period_of(request)
        if form.is_bound and not form.is_valid():  # a download of another period than asked would mislead
            return HttpResponseBadRequest(" ".join(str(e) for errors in form.errors.values() for e in errors))
        data = report(start, end)
        if name == "summary":
            rows = exports.summary_rows(data["kpis"])
        else:
            rows = exports.table_rows([(k, str(v)) for k, v in TABLES[name]], data[name])
        basename = f"{name}-{start.isoformat()}-{end.isoformat()}"
        return exports.export_response(fmt, rows, basename, title=str(SHEET_TITLES[name]))


backoffice.add_link(
    site=shop_admin_site,
    group="data",
    title=_("Data overview"),
    url="shop_admin:analytics_overview",
    order=10,
    icon="monitoring",
    permission=can_view,
)


# --- the home page's cards (keys and order in docs/backoffice.md) ---------------------------------------------


def _today(request) -> dict:
    """Today's figures, computed once per request for the three cards that show them."""
    if not hasattr(request, "_analytics_today"):
        today = timezone.localdate()
        request._analytics_today = selectors.summary(today, today)
    return request._analytics_today


def _overview_link() -> str:
    return reverse("shop_admin:analytics_overview", current_app="shop_admin")


@dashboard_card(site=shop_admin_site, key="today_orders", title=_("Today's orders"), order=10)
def today_orders_card(request) -> Card | None:
    if not request_can(request, Permission.ORDERS_VIEW):
        return None
    figures = _today(request)
    return Card(
        value=figures["orders"],
        hint=gettext("Paid: %(count)s") % {"count": figures["paid_orders"]},
        link=reverse("shop_admin:orders_order_changelist", current_app="shop_admin"),
    )


@dashboard_card(site=shop_admin_site, key="paid_amount_today", title=_("Paid today"), order=20)
def paid_amount_card(request) -> Card | None:
    if not can_view(request):
        return None
    figures = _today(request)
    return Card(
        value=format_money(figures["gmv_amount"]),
        hint=gettext("Buyers: %(count)s") % {"count": figures["paying_members"]},
        link=_overview_link(),
    )


@dashboard_card(site=shop_admin_site, key="visitors_today", title=_("Visitors today"), order=30)
def visitors_card(request) -> Card | None:
    if not can_view(request):
        return None
    figures = _today(request)
    return Card(
        value=figures["visitors"],
        hint=gettext("Page views: %(count)s") % {"count": figures["pv"]},
        link=_overview_link(),
    )


@dashboard_card(site=shop_admin_site, key="pending_aftersales", title=_("Pending after-sales"), order=50)
def pending_aftersales_card(request) -> Card | None:
    if not request_can(request, Permission.ORDERS_VIEW):
        return None
    count = orders.pending_aftersales_count()
    return Card(
        value=count,
        link=reverse("shop_admin:orders_aftersale_changelist", current_app="shop_admin"),
        tone="warning" if count else "default",
    )


# --- the home page's charts: the last 7 days, drawn by our vendored ECharts (dashboard.js) ----------------------

ECHARTS = "analytics/vendor/echarts-5.6.0.min.js"
CHART_SCRIPTS = (ECHARTS, "analytics/dashboard.js")
RED, BLUE = "#e4393c", "#1e88e5"


def _week(request) -> list[dict]:
    """The last 7 days (today included), one row per day, computed once per request for both charts."""
    if not hasattr(request, "_analytics_week"):
        today = timezone.localdate()
        request._analytics_week = selectors.daily(today - timedelta(days=6), today)
    return request._analytics_week


def two_axis_option(days: list[dict], bars: dict, line: dict, line_axis: str) -> dict:
    """An ECharts option: bars on the left axis, a line on the right one (`line_axis`: the axis label template)."""
    return {
        "color": [bars.pop("color"), line.pop("color")],
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [row["date"].strftime("%m-%d") for row in days]},
        "yAxis": [
            {"type": "value", "minInterval": 1},
            {"type": "value", "splitLine": {"show": False}, "axisLabel": {"formatter": line_axis}},
        ],
        "series": [
            {"type": "bar", "barMaxWidth": 28, **bars},
            {"type": "line", "yAxisIndex": 1, **line},
        ],
    }


@dashboard_chart(site=shop_admin_site, key="sales_7_days", title=_("Sales, last 7 days"), order=10)
def sales_chart(request) -> Chart | None:
    if not can_view(request):
        return None
    days = _week(request)
    option = two_axis_option(
        days,
        bars={"name": gettext("Paid orders"), "color": BLUE, "data": [row["paid_orders"] for row in days]},
        line={
            "name": gettext("Paid amount (yuan)"),
            "color": RED,
            "data": [row["gmv_amount"] / 100 for row in days],
        },
        line_axis="¥{value}",
    )
    total = sum(row["gmv_amount"] for row in days)
    return Chart(
        data=option,
        renderer="echarts",
        scripts=CHART_SCRIPTS,
        hint=gettext("Paid in 7 days: %(amount)s") % {"amount": format_money(total)},
        link=_overview_link(),
    )


@dashboard_chart(site=shop_admin_site, key="visitors_7_days", title=_("Visitors and conversion, last 7 days"), order=20)
def visitors_chart(request) -> Chart | None:
    if not can_view(request):
        return None
    days = _week(request)
    option = two_axis_option(
        days,
        bars={"name": gettext("Visitors (UV)"), "color": BLUE, "data": [row["visitors"] for row in days]},
        line={
            "name": gettext("Payment conversion (%)"),
            "color": RED,
            "data": [round(row["conversion_rate"] * 100, 2) for row in days],
        },
        line_axis="{value}%",
    )
    return Chart(data=option, renderer="echarts", scripts=CHART_SCRIPTS, link=_overview_link())


# --- member CRM (group 客户) ------------------------------------------------------------------------------------

RULE_FIELDS = {"min_spent_amount": "rule", "inactive_days": "rule", "bought_category_id": "rule", "tag_ids": "rule"}
MEMBER_COLUMNS = [("id", _("Member id")), ("name", _("Member")), ("spent_amount", _("Spent (yuan)")),
                  ("paid_orders", _("Paid orders")), ("last_visit", _("Last visit")), ("source", _("Source")),
                  ("distributor", _("Distributor code")), ("tags", _("Tags"))]  # fmt: skip


def can_manage_members(request) -> bool:
    return request_can(request, Permission.MEMBERS_MANAGE)


@backoffice.register(MemberTag, site=shop_admin_site, group="customers", order=30, icon="sell")
class MemberTagAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    list_display = ["name", "kind", "rule", "member_count"]
    fields = ["name", "kind", "rule"]
    view_permission = Permission.MEMBERS_MANAGE
    manage_permission = Permission.MEMBERS_MANAGE
    delete_permission = Permission.MEMBERS_MANAGE
    service_error_fields = RULE_FIELDS

    def get_queryset(self, request):
        return crm.tags()

    @admin.display(description=pgettext_lazy("member count", "Members"))
    def member_count(self, tag):
        return tag.members

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.update_tag(tag_id=obj.pk, name=obj.name, rule=obj.rule)
        else:
            obj.pk = services.create_tag(name=obj.name, kind=obj.kind, rule=obj.rule).pk

    def delete_model(self, request, obj):
        services.delete_tags(tag_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_tags(tag_ids=list(queryset.values_list("pk", flat=True)))

    def get_urls(self):
        site = self.admin_site
        return [
            path("members/", site.admin_view(self.members_view), name="analytics_members"),
            re_path(
                r"^members\.(?P<fmt>csv|xlsx)$", site.admin_view(self.members_export), name="analytics_members_export"
            ),
            *super().get_urls(),
        ]

    def _members(self, request) -> list[dict]:
        rule: dict = {}
        tag, segment = request.GET.get("tag", ""), request.GET.get("segment", "")
        if tag.isdigit():
            rule["tag_ids"] = [int(tag)]
        known = not rule or MemberTag.objects.filter(pk__in=rule["tag_ids"]).exists()
        ids = crm.members_matching(rule) if known else set()
        if segment.isdigit():
            found = Segment.objects.filter(pk=int(segment)).first()
            ids = ids & crm.segment_members(found) if found else set()
        return crm.member_rows(ids)

    def members_view(self, request):
        if not can_manage_members(request):
            raise Http404
        rows = self._members(request)
        cells = [
            [row["id"], row["name"], format_money(row["spent_amount"]), row["paid_orders"],
             timezone.localtime(row["last_visit"]).strftime("%Y-%m-%d %H:%M") if row["last_visit"] else "—",
             row["source"], row["distributor"], "、".join(row["tags"])]
            for row in rows
        ]  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Member insights"),
            "tags": crm.tags(),
            "segments": crm.segments(),
            "chosen_tag": request.GET.get("tag", ""),
            "chosen_segment": request.GET.get("segment", ""),
            "table": {"headers": [str(label) for _key, label in MEMBER_COLUMNS], "rows": cells},
            "exports": {
                fmt: reverse("shop_admin:analytics_members_export", args=[fmt]) + "?" + request.GET.urlencode()
                for fmt in exports.FORMATS
            },
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "analytics/members.html", context)

    def members_export(self, request, fmt: str):
        if not can_manage_members(request):
            raise Http404
        rows = [{**row, "tags": "、".join(row["tags"])} for row in self._members(request)]
        columns = [(key, str(label)) for key, label in MEMBER_COLUMNS]
        title = gettext("Member insights")
        return exports.export_response(fmt, exports.table_rows(columns, rows), "members", title=title)


@backoffice.register(Segment, site=shop_admin_site, group="customers", order=40, icon="groups")
class SegmentAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    list_display = ["name", "rule", "member_count"]
    fields = ["name", "rule"]
    view_permission = Permission.MEMBERS_MANAGE
    manage_permission = Permission.MEMBERS_MANAGE
    delete_permission = Permission.MEMBERS_MANAGE
    service_error_fields = RULE_FIELDS

    @admin.display(description=pgettext_lazy("member count", "Members"))
    def member_count(self, segment):
        return len(crm.segment_members(segment))

    def save_model(self, request, obj, form, change):
        obj.pk = services.save_segment(name=obj.name, rule=obj.rule, segment_id=obj.pk if change else None).pk

    def delete_model(self, request, obj):
        services.delete_segments(segment_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_segments(segment_ids=list(queryset.values_list("pk", flat=True)))


backoffice.add_link(
    site=shop_admin_site,
    group="customers",
    title=_("Member insights"),
    url="shop_admin:analytics_members",
    order=20,
    icon="person_search",
    permission=can_manage_members,
)
