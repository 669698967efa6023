"""Operator console, group 店铺 (Shops): the platform data dashboard (shops by status, new shops, churn, MRR, GMV,
orders and visitors of every shop from their rolled-up days), with a trend chart and CSV / XLSX export (the data
centre's writer: formulas escaped, money as numbers in the XLSX)."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.http import HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from micromall import backoffice
from micromall.backoffice import ReadOnlyMixin
from micromall.backoffice.sites import GroupedModelAdmin
from micromall.money import format_money
from tenant_apps.analytics.interface import Yuan, export_response

from . import selectors
from .models import ShopDayStat

MAX_DAYS = 366


class PeriodForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=29)
        if start > end:
            raise forms.ValidationError(gettext("The start date is after the end date."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(gettext("A date range covers at most 366 days."))
        return data

    def period(self):
        end = timezone.localdate()
        start = end - timedelta(days=29)
        if self.is_valid():
            end = self.cleaned_data.get("end") or end
            start = self.cleaned_data.get("start") or end - timedelta(days=29)
        if start > end or (end - start).days + 1 > MAX_DAYS:
            end = timezone.localdate()
            start = end - timedelta(days=29)
        return start, end


@backoffice.register(ShopDayStat, site=admin.site, group="shops", order=90, icon="monitoring")
class ShopDayStatAdmin(ReadOnlyMixin, GroupedModelAdmin):
    list_display = ["shop", "day", "visitors", "orders", "paid_orders", "gmv", "rolled_at"]
    list_filter = ["day"]

    @admin.display(description=_("Paid amount"))
    def gmv(self, row):
        return format_money(row.gmv_amount)

    def get_urls(self):
        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="insights_report"),
            re_path(
                r"^report\.(?P<fmt>csv|xlsx)$",
                self.admin_site.admin_view(self.report_export),
                name="insights_report_export",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request):
        start, end = PeriodForm(request.GET or None).period()
        report = selectors.operator_report(start, end)
        cards = [
            (gettext("Paid amount (GMV)"), format_money(report["gmv_amount"])),
            (gettext("MRR"), format_money(report["mrr_amount"])),
            (gettext("Paid orders"), report["paid_orders"]),
            (gettext("Visitors"), report["visitors"]),
            (gettext("New shops"), report["new_shops"]),
            (gettext("Churned shops"), f"{report['churned_shops']} ({report['churn_rate'] * 100:.1f}%)"),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Platform data"),
            "start": start,
            "end": end,
            "cards": cards,
            "by_status": report["shops_by_status"],
            "top_shops": [{**row, "gmv": format_money(row["gmv_amount"])} for row in report["top_shops"]],
            "chart": {
                "dates": [row["date"].isoformat()[5:] for row in report["daily"]],
                "gmv": [row["gmv_amount"] / 100 for row in report["daily"]],
                "visitors": [row["visitors"] for row in report["daily"]],
                "gmv_label": gettext("Paid amount (yuan)"),
                "visitors_label": gettext("Visitors"),
            },
            "query": request.GET.urlencode(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "insights/report.html", context)

    def report_export(self, request, fmt: str):
        form = PeriodForm(request.GET or None)
        if form.is_bound and not form.is_valid():  # a download of another period than asked would mislead
            return HttpResponseBadRequest(" ".join(str(e) for errors in form.errors.values() for e in errors))
        start, end = form.period()
        report = selectors.operator_report(start, end)
        header = [gettext("Shop"), gettext("Visitors"), gettext("Orders placed"), gettext("Paid orders"),
                  gettext("Paid amount (yuan)")]  # fmt: skip
        rows = [
            [row["name"], row["visitors"], row["orders"], row["paid_orders"], Yuan(row["gmv_amount"])]
            for row in report["top_shops"]
        ]
        return export_response(fmt, [header, *rows], f"platform-{start}-{end}", title=gettext("Platform data"))


backoffice.add_link(site=admin.site, group="shops", title=_("Platform data"), url="admin:insights_report", order=5,
                    icon="monitoring")  # fmt: skip
