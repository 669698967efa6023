"""Shop back office, group 拼团 (app label group_buys): activities with their SKUs (prices in 元), the groups with
their status, and the members (one row per order). Every write goes through services."""

import json

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from micromall.backoffice import ReadOnlyInline
from micromall.money import YuanField, format_money
from shared_apps.tenancy.interface import shop_admin_site
from tenant_apps.marketing.interface import ActivityAdmin, ReadOnlyScreen

from . import selectors, services
from .models import Group, GroupBuy, GroupBuyItem, GroupStatus, Participation


class GroupBuyForm(forms.ModelForm):
    leader_discount_amount = YuanField(label=_("Leader discount (yuan)"), required=False)

    class Meta:
        model = GroupBuy
        fields = ["title", "starts_at", "ends_at", "group_size", "hours_to_form", "per_order_limit",
                  "per_member_limit", "leader_discount_amount", "autofill_percent"]  # fmt: skip


class ItemForm(forms.ModelForm):
    price_amount = YuanField(label=_("Group price (yuan)"))
    ladder_text = forms.CharField(
        label=_("Ladder: size=price per line"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 18})
    )

    class Meta:
        model = GroupBuyItem
        fields = ["sku_id", "price_amount", "stock"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["ladder_text"] = "\n".join(
                f"{tier['group_size']}={format_money(tier['price_amount']).lstrip('¥')}"
                for tier in self.instance.ladder
            )

    def clean_ladder_text(self):
        from micromall.money import parse_yuan

        tiers = []
        for number, line in enumerate((self.cleaned_data.get("ladder_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            size, _sep, price = line.partition("=")
            try:
                tiers.append({"group_size": int(size.strip()), "price_amount": parse_yuan(price.replace(",", ""))})
            except ValueError:
                raise forms.ValidationError(_("Line %(n)s: write it as 5=79.00.") % {"n": number}) from None
        return tiers


class ItemInline(admin.TabularInline):
    model = GroupBuyItem
    form = ItemForm
    extra = 1
    fields = ["sku_id", "price_amount", "stock", "sold", "ladder_text"]
    readonly_fields = ["sold"]

    def _parent(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)


@admin.register(GroupBuy, site=shop_admin_site)
class GroupBuyAdmin(ActivityAdmin):
    form = GroupBuyForm
    status_service = staticmethod(services.change_status)
    inlines = [ItemInline]
    list_display = ["title", "shown_status", "starts_at", "ends_at", "group_size", "hours_to_form", "groups_summary"]
    service_error_fields = {"items": "__all__"}

    @admin.display(description=_("groups (formed / all)"))
    def groups_summary(self, row):
        groups = list(row.groups.values_list("status", flat=True))
        return f"{sum(1 for status in groups if status == GroupStatus.FORMED)} / {len(groups)}"

    def save_model(self, request, obj, form, change):
        pass  # written with its items in save_related, through one service call

    def construct_change_message(self, request, form, formsets, add=False):
        return []

    def save_related(self, request, form, formsets, change):
        data = dict(form.cleaned_data)
        data["leader_discount_amount"] = data.get("leader_discount_amount") or 0
        items = []
        for formset in formsets:
            for row in formset.cleaned_data:
                if not row or row.get("DELETE") or row.get("sku_id") is None:
                    continue
                items.append({"sku_id": row["sku_id"], "price_amount": row["price_amount"], "stock": row["stock"],
                              "ladder": row.get("ladder_text") or []})  # fmt: skip
        if change:
            services.update_group_buy(activity_id=form.instance.pk, items=items, **data)
        else:
            form.instance.pk = services.create_group_buy(items=items, **data).pk


class SeatInline(ReadOnlyInline):
    model = Participation
    fk_name = "group"
    fields = ["order_number", "member_id", "is_leader", "status", "quantity", "paid_at"]
    readonly_fields = fields


@admin.register(Group, site=shop_admin_site)
class GroupAdmin(ReadOnlyScreen):
    list_display = ["id", "activity", "shown_status", "progress", "virtual_members", "expires_at", "created"]
    list_filter = ["status", "activity"]
    list_select_related = ["activity"]
    inlines = [SeatInline]
    readonly_fields = ["activity", "leader_member_id", "size", "status", "joined", "virtual_members", "expires_at",
                       "formed_at", "failed_at", "prices"]  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("status"))
    def shown_status(self, row):
        return GroupStatus(selectors.group_status(row, timezone.now())).label

    @admin.display(description=_("joined / size"))
    def progress(self, row):
        return f"{row.joined} / {row.size}"

    @admin.display(description=_("group prices"))
    def prices(self, row):
        prices = row.config.get("prices") or {}
        return json.dumps({sku: format_money(amount) for sku, amount in prices.items()}, ensure_ascii=False)


@admin.register(Participation, site=shop_admin_site)
class ParticipationAdmin(ReadOnlyScreen):
    list_display = ["order_number", "activity", "group", "member_id", "is_leader", "status", "quantity", "paid_at"]
    list_filter = ["status", "is_leader", "activity"]
    list_select_related = ["activity"]
    search_fields = ["order_number"]
