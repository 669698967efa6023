"""Shop back office: orders, read-only for now (list with status filter and search, detail with lines,
payments and shipments). Amounts in 元."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site

from . import services
from .models import Order, OrderLine, OrderSettings, Payment, Shipment


def yuan(amount: int | None, currency: str = "CNY") -> str:
    """Minor units -> ¥129.00 (integer arithmetic, no floats)."""
    if amount is None:
        return ""
    symbol = "¥" if currency == "CNY" else f"{currency} "
    major, minor = divmod(int(amount), 100)
    return f"{symbol}{major:,}.{minor:02d}"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["title", "specs", "sku_code", "quantity", "unit_price", "discount", "total"]
    readonly_fields = fields

    @admin.display(description=_("unit price"))
    def unit_price(self, line):
        return yuan(line.unit_price_amount, line.order.currency)

    @admin.display(description=_("discount"))
    def discount(self, line):
        return yuan(line.discount_amount, line.order.currency)

    @admin.display(description=_("total"))
    def total(self, line):
        return yuan(line.total_amount, line.order.currency)


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["method", "status", "paid", "refunded", "stripe_payment_intent_id", "failure_message", "needs_refund"]
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def paid(self, payment):
        return yuan(payment.amount, payment.currency)

    @admin.display(description=_("refunded"))
    def refunded(self, payment):
        return yuan(payment.refunded_amount, payment.currency)


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ["carrier", "tracking_number", "created"]
    readonly_fields = fields


@admin.register(Order, site=shop_admin_site)
class OrderAdmin(ShopModelAdmin):
    list_display = ["number", "status", "buyer", "total", "payment_method", "created"]
    list_filter = ["status", "payment_method"]
    search_fields = ["=number", "=ship_phone", "=member__phone"]
    date_hierarchy = "created"
    list_select_related = ["member"]
    inlines = [OrderLineInline, PaymentInline, ShipmentInline]
    fieldsets = [
        (None, {"fields": ["number", "status", "buyer", "created", "note"]}),
        (_("Amounts"), {"fields": ["subtotal", "discount", "shipping", "total", "refunded"]}),
        (
            _("Delivery"),
            {"fields": ["ship_name", "ship_phone", "ship_province", "ship_city", "ship_district", "ship_line1"]},
        ),
        (_("Timeline"), {"fields": ["pay_deadline", "paid_at", "shipped_at", "completed_at", "cancelled_at"]}),
    ]
    readonly_fields = [
        "number", "status", "buyer", "created", "note", "subtotal", "discount", "shipping", "total", "refunded",
        "ship_name", "ship_phone", "ship_province", "ship_city", "ship_district", "ship_line1", "pay_deadline",
        "paid_at", "shipped_at", "completed_at", "cancelled_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("buyer"))
    def buyer(self, order):
        return str(order.member)

    @admin.display(description=_("subtotal"))
    def subtotal(self, order):
        return yuan(order.subtotal_amount, order.currency)

    @admin.display(description=_("discount"))
    def discount(self, order):
        return yuan(order.discount_amount, order.currency)

    @admin.display(description=_("shipping"))
    def shipping(self, order):
        return yuan(order.shipping_amount, order.currency)

    @admin.display(description=_("total"), ordering="total_amount")
    def total(self, order):
        return yuan(order.total_amount, order.currency)

    @admin.display(description=_("refunded"))
    def refunded(self, order):
        return yuan(order.refunded_amount, order.currency)


@admin.register(OrderSettings, site=shop_admin_site)
class OrderSettingsAdmin(ShopModelAdmin):
    fields = ["auto_cancel_minutes", "auto_complete_days"]

    def has_add_permission(self, request):
        return not OrderSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.update_order_settings(
            auto_cancel_minutes=obj.auto_cancel_minutes, auto_complete_days=obj.auto_complete_days
        )
