"""Shop back office, 砍价 (app label bargains): activities (floor price in 元, helpers, time limit, stock) and the
sessions with their helpers' cuts. Every write goes through services."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from micromall.backoffice import ReadOnlyInline
from micromall.money import YuanField, format_money
from shared_apps.tenancy.interface import shop_admin_site
from tenant_apps.marketing.interface import ActivityAdmin, ReadOnlyScreen

from . import selectors, services
from .models import Bargain, BargainHelp, BargainSession, SessionStatus


class BargainForm(forms.ModelForm):
    floor_price_amount = YuanField(label=_("Floor price (yuan)"))

    class Meta:
        model = Bargain
        fields = ["title", "sku_id", "floor_price_amount", "helpers_needed", "hours", "cut_mode", "pay_at_any_price",
                  "per_helper_limit", "stock", "starts_at", "ends_at"]  # fmt: skip


@admin.register(Bargain, site=shop_admin_site)
class BargainAdmin(ActivityAdmin):
    form = BargainForm
    status_service = staticmethod(services.change_status)
    list_display = ["title", "shown_status", "sku_id", "floor_price", "helpers_needed", "hours", "stock_summary",
                    "starts_at", "ends_at"]  # fmt: skip

    @admin.display(description=_("floor price"))
    def floor_price(self, row):
        return format_money(row.floor_price_amount)

    @admin.display(description=_("sold / stock"))
    def stock_summary(self, row):
        return f"{row.sold} / {row.stock}"

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in BargainForm.Meta.fields}
        data["per_helper_limit"] = data.get("per_helper_limit") or 0
        if change:
            services.update_bargain(activity_id=obj.pk, **data)
        else:
            obj.pk = services.create_bargain(**data).pk


class HelpInline(ReadOnlyInline):
    model = BargainHelp
    fields = ["helper_member_id", "cut", "created"]
    readonly_fields = fields

    @admin.display(description=_("cut"))
    def cut(self, row):
        return format_money(row.cut_amount)


@admin.register(BargainSession, site=shop_admin_site)
class BargainSessionAdmin(ReadOnlyScreen):
    list_display = ["id", "activity", "member_id", "shown_status", "start_price", "current_price", "floor_price",
                    "progress", "expires_at", "order_number"]  # fmt: skip
    list_filter = ["status", "activity"]
    list_select_related = ["activity"]
    search_fields = ["order_number"]
    inlines = [HelpInline]
    readonly_fields = ["activity", "member_id", "shown_status", "start_price", "current_price", "floor_price",
                       "progress", "expires_at", "order_number", "created"]  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("status"))
    def shown_status(self, row):
        return SessionStatus(selectors.session_status(row, timezone.now())).label

    @admin.display(description=_("start price"))
    def start_price(self, row):
        return format_money(row.start_price_amount)

    @admin.display(description=_("current price"))
    def current_price(self, row):
        return format_money(row.current_price_amount)

    @admin.display(description=_("floor price"))
    def floor_price(self, row):
        return format_money(row.floor_price_amount)

    @admin.display(description=_("helps / needed"))
    def progress(self, row):
        return f"{row.helps} / {row.helpers_needed}"
