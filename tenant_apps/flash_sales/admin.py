"""Shop back office, group 营销 (marketing): flash-sale sessions with their items (prices in 元), statuses and
stats (sold, orders, buyers per item), and the flash-sale orders. Every write goes through services."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin, error_text
from micromall.backoffice import ReadOnlyMixin
from micromall.errors import ApplicationError
from micromall.money import YuanField, format_money
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site
from tenant_apps.marketing.interface import ActivityStatus, effective_status

from . import selectors, services
from .models import FlashSale, FlashSaleItem, FlashSaleParticipation


class ItemForm(forms.ModelForm):
    price_amount = YuanField(label=_("flash price"))

    class Meta:
        model = FlashSaleItem
        fields = ["sku_id", "price_amount", "stock", "per_member_limit", "per_order_limit"]


class FlashSaleItemInline(admin.TabularInline):
    """Items are typed when the session is created; afterwards they are shown with what sold."""

    model = FlashSaleItem
    form = ItemForm
    extra = 3
    can_delete = False

    def _parent(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return obj is None and self._parent().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["sku_id", "price_amount", "stock", "per_member_limit", "per_order_limit"]
        return ["title", "sku_id", "flash_price", "normal_price", "stock", "remaining", "sold_units",
                "per_member_limit", "per_order_limit"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description=_("flash price"))
    def flash_price(self, item):
        return format_money(item.price_amount)

    @admin.display(description=_("normal price"))
    def normal_price(self, item):
        return format_money(item.normal_price_amount)

    @admin.display(description=_("sold"))
    def sold_units(self, item):
        return f"{item.sold} / {item.stock}"


STATUS_ACTIONS = {
    "publish": _("Publish"),
    "pause": _("Pause"),
    "resume": _("Resume"),
    "end": _("End"),
    "invalidate": _("Invalidate"),
}


@admin.register(FlashSale, site=shop_admin_site)
class FlashSaleAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    manage_permission = Permission.MARKETING_MANAGE
    backoffice_group = "marketing"
    inlines = [FlashSaleItemInline]
    list_display = ["title", "starts_at", "ends_at", "current_status", "items_count", "sold_total"]
    list_filter = ["status"]
    search_fields = ["title"]
    actions = [f"action_{name}" for name in STATUS_ACTIONS]

    def get_queryset(self, request):
        return selectors.manage_sales()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["title", "starts_at", "ends_at", "pay_within_minutes"]
        return ["title", "current_status", "starts_at", "ends_at", "pay_within_minutes", "stats", "created"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # sessions are ended or invalidated, never deleted (orders point at them)

    @admin.display(description=_("status"))
    def current_status(self, sale):
        return ActivityStatus(effective_status(sale.status, sale.starts_at, sale.ends_at, timezone.now())).label

    @admin.display(description=_("items"))
    def items_count(self, sale):
        return getattr(sale, "items_count", None) or sale.items.count()

    @admin.display(description=_("sold / flash stock"))
    def sold_total(self, sale):
        stock, remaining = getattr(sale, "stock_total", 0) or 0, getattr(sale, "remaining_total", 0) or 0
        return f"{stock - remaining} / {stock}"

    @admin.display(description=_("stats"))
    def stats(self, sale):
        stats = selectors.item_stats(sale_id=sale.pk)
        rows = []
        for item in sale.items.all():
            numbers = stats.get(item.pk, {})
            rows.append(
                (
                    item.title,
                    f"{item.sold * 100 // item.stock if item.stock else 0}%",
                    numbers.get("orders", 0),
                    numbers.get("paid_orders", 0),
                    numbers.get("buyers", 0),
                    format_money(item.price_amount * numbers.get("paid_units", 0)),
                )
            )
        head = [_("product"), _("grabbed"), _("orders"), _("paid orders"), _("buyers"), _("paid amount")]
        header = format_html_join("", "<th>{}</th>", ((str(h),) for h in head))
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html_join("", "<table><tr>{}</tr>{}</table>", [(header, body)])

    def save_model(self, request, obj, form, change):
        pass  # created with its items in save_related, through one service call; nothing is editable after

    def construct_change_message(self, request, form, formsets, add=False):
        return []

    def save_related(self, request, form, formsets, change):
        if change:
            return
        items = []
        for formset in formsets:
            for item_form in formset.forms:
                if not item_form.has_changed():
                    continue
                data = item_form.cleaned_data
                items.append({key: data.get(key) for key in ItemForm.Meta.fields if data.get(key) is not None})
        data = form.cleaned_data
        sale = services.create_flash_sale(
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            pay_within_minutes=data.get("pay_within_minutes") or 5,
            items=items,
        )
        form.instance.pk = sale.pk

    def _change_status(self, request, queryset, action: str):
        done = 0
        for sale in queryset:
            try:
                services.change_status(sale_id=sale.pk, action=action)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{sale.title}: {error_text(exc)}", messages.ERROR)
        if done:
            self.message_user(
                request, _("%(count)d session(s): %(action)s.") % {"count": done, "action": STATUS_ACTIONS[action]}
            )

    @admin.action(description=STATUS_ACTIONS["publish"])
    def action_publish(self, request, queryset):
        self._change_status(request, queryset, "publish")

    @admin.action(description=STATUS_ACTIONS["pause"])
    def action_pause(self, request, queryset):
        self._change_status(request, queryset, "pause")

    @admin.action(description=STATUS_ACTIONS["resume"])
    def action_resume(self, request, queryset):
        self._change_status(request, queryset, "resume")

    @admin.action(description=STATUS_ACTIONS["end"])
    def action_end(self, request, queryset):
        self._change_status(request, queryset, "end")

    @admin.action(description=STATUS_ACTIONS["invalidate"])
    def action_invalidate(self, request, queryset):
        self._change_status(request, queryset, "invalidate")


@admin.register(FlashSaleParticipation, site=shop_admin_site)
class FlashSaleParticipationAdmin(ReadOnlyMixin, ShopModelAdmin):
    backoffice_group = "marketing"
    list_display = ["order_number", "sale", "item", "quantity", "price", "status", "created"]
    list_filter = ["status", "sale"]
    search_fields = ["order_number"]
    list_select_related = ["sale", "item"]

    @admin.display(description=_("flash price"))
    def price(self, part):
        return format_money(part.price_amount)
