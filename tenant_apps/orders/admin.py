"""Shop back office (group 订单): orders (list with status filter and search, detail with lines, payments and
parcels, a ship screen for all or some lines), after-sales review (approve / reject / receive / ship an exchange)
and order settings. Amounts in 元. Every write goes through the orders services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from micromall.backoffice import ReadOnlyInline
from micromall.errors import ApplicationError, Invalid
from micromall.money import format_money
from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site

from . import selectors, services
from .models import (
    AfterSale,
    AfterSaleLine,
    AfterSaleStatus,
    AfterSaleType,
    Carrier,
    Order,
    OrderLine,
    OrderSettings,
    OrderStatus,
    Payment,
    Refund,
    Shipment,
)
from .services.shipping import left_to_ship


def yuan(amount: int | None, currency: str = "CNY") -> str:
    """Minor units -> ¥129.00: micromall.money.format_money, the one formatter of every screen."""
    return format_money(amount, currency)


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
    fields = ["carrier", "tracking_number", "contents", "created"]
    readonly_fields = fields

    @admin.display(description=_("contents"))
    def contents(self, shipment):
        return ", ".join(f"{line.order_line.title} × {line.quantity}" for line in shipment.lines.all()) or "—"


def can_write(model_admin, request) -> bool:
    """Owners, admins and staff ship and decide after-sales (the screens themselves stay read-only)."""
    return ShopModelAdmin.has_change_permission(model_admin, request)


def apply_error(form: forms.Form, error: ApplicationError) -> None:
    """A domain error onto the form: field messages where the form has the field, the rest on top."""
    if isinstance(error, Invalid):
        for field, messages_ in error.errors.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, f"{field}: {message}")
    else:
        form.add_error(None, str(error.detail if hasattr(error, "detail") else error))


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(choices=Carrier.choices, label=_("carrier"))
    tracking_number = forms.CharField(max_length=50, label=_("tracking number"))

    def __init__(self, *args, order: Order, remaining: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line in order.lines.all():
            if remaining.get(line.pk):
                name = f"line_{line.pk}"
                self.fields[name] = forms.IntegerField(
                    min_value=0, max_value=remaining[line.pk], initial=remaining[line.pk],
                    label=f"{line.title} {' / '.join(map(str, line.specs.values()))}",
                )  # fmt: skip
                self.line_fields.append((line, name))

    def lines(self) -> list[tuple[int, int]]:
        return [(line.pk, self.cleaned_data[name]) for line, name in self.line_fields if self.cleaned_data.get(name)]


@admin.register(Order, site=shop_admin_site)
class OrderAdmin(ShopModelAdmin):
    list_display = ["number", "status", "buyer", "total", "payment_method", "created", "ship_link"]
    list_filter = ["status", "payment_method"]
    search_fields = ["=number", "=ship_phone", "=member__phone"]
    date_hierarchy = "created"
    list_select_related = ["member"]
    inlines = [OrderLineInline, PaymentInline, ShipmentInline]
    fieldsets = [
        (None, {"fields": ["number", "status", "buyer", "created", "note", "ship_link"]}),
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
        "paid_at", "shipped_at", "completed_at", "cancelled_at", "ship_link",
    ]  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view(self.ship_view)
        return [path("<int:object_id>/ship/", view, name="orders_order_ship"), *super().get_urls()]

    @admin.display(description=_("ship"))
    def ship_link(self, order):
        if order.status != OrderStatus.PAID:
            return "—"
        url = reverse(f"{self.admin_site.name}:orders_order_ship", args=[order.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Ship"))

    def ship_view(self, request, object_id: int):
        """Ship all or some of the lines left to ship: one parcel per submission."""
        if not can_write(self, request):
            raise PermissionDenied
        order = selectors.manage_order(order_id=object_id)
        remaining = left_to_ship(order)
        form = ShipForm(request.POST or None, order=order, remaining=remaining)
        if request.method == "POST" and form.is_valid():
            lines = form.lines()
            if not lines:
                form.add_error(None, gettext("Choose at least one line to ship."))
            else:
                try:
                    services.ship_order(
                        order_id=order.pk,
                        carrier=form.cleaned_data["carrier"],
                        tracking_number=form.cleaned_data["tracking_number"],
                        lines=lines,
                        actor_user_id=request.user.pk,
                    )
                except ApplicationError as error:
                    apply_error(form, error)
                else:
                    messages.success(request, gettext("Parcel recorded."))
                    return redirect(reverse(f"{self.admin_site.name}:orders_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Ship order %(number)s") % {"number": order.number},
            "order": order,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "orders/admin/ship.html", context)

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
    fields = ["auto_cancel_minutes", "auto_complete_days", "return_window_days"]

    def has_add_permission(self, request):
        return not OrderSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.update_order_settings(
            auto_cancel_minutes=obj.auto_cancel_minutes,
            auto_complete_days=obj.auto_complete_days,
            return_window_days=obj.return_window_days,
        )


# --- After-sales review -------------------------------------------------------------------------------------------


class AfterSaleLineInline(ReadOnlyInline):
    model = AfterSaleLine
    fields = ["order_line", "quantity", "refund"]
    readonly_fields = fields

    @admin.display(description=_("refund amount"))
    def refund(self, line):
        return yuan(line.refund_amount)


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["status", "refunded", "stripe_refund_id", "failure_message", "succeeded_at"]
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def refunded(self, refund):
        return yuan(refund.amount)


class DecisionForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False, label=_("reason for rejection"))
    carrier = forms.ChoiceField(choices=[("", "—"), *Carrier.choices], required=False, label=_("carrier"))
    tracking_number = forms.CharField(max_length=50, required=False, label=_("tracking number"))


@admin.register(AfterSale, site=shop_admin_site)
class AfterSaleAdmin(ShopModelAdmin):
    backoffice_group = "orders"
    list_display = ["id", "order_number", "type", "status", "refund_yuan", "created", "review_link"]
    list_filter = ["status", "type"]
    search_fields = ["=order__number", "=order__ship_phone"]
    list_select_related = ["order"]
    inlines = [AfterSaleLineInline, RefundInline]
    fields = ["order_number", "type", "status", "reason", "reject_reason", "refund_yuan", "created", "decided_at",
              "received_at", "refunded_at", "review_link"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order"))
    def order_number(self, aftersale):
        url = reverse(f"{self.admin_site.name}:orders_order_change", args=[aftersale.order_id])
        return format_html('<a href="{}">{}</a>', url, aftersale.order.number)

    @admin.display(description=_("refund amount"), ordering="refund_amount")
    def refund_yuan(self, aftersale):
        return yuan(aftersale.refund_amount, aftersale.order.currency)

    @admin.display(description=_("review"))
    def review_link(self, aftersale):
        if aftersale.status in (AfterSaleStatus.REJECTED, AfterSaleStatus.REFUNDED, AfterSaleStatus.EXCHANGED):
            return "—"
        url = reverse(f"{self.admin_site.name}:orders_aftersale_review", args=[aftersale.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Review"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.review_view)
        return [path("<int:object_id>/review/", view, name="orders_aftersale_review"), *super().get_urls()]

    def review_view(self, request, object_id: int):
        """Approve (refund only: the money goes back at once), reject with a reason, receive a return (stock and
        refund), ship an exchange's replacement."""
        if not can_write(self, request):
            raise PermissionDenied
        aftersale = selectors.manage_aftersale(aftersale_id=object_id)
        form = DecisionForm(request.POST or None)
        action = request.POST.get("action")
        if request.method == "POST" and form.is_valid():
            try:
                self._decide(request, aftersale, action, form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, gettext("Done."))
                return redirect(reverse(f"{self.admin_site.name}:orders_aftersale_change", args=[aftersale.pk]))
        status = aftersale.status
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("After-sales request %(id)s for order %(number)s")
            % {"id": aftersale.pk, "number": aftersale.order.number},
            "aftersale": aftersale,
            "refund_yuan": yuan(aftersale.refund_amount, aftersale.order.currency),
            "form": form,
            "opts": self.model._meta,
            "can_decide": status == AfterSaleStatus.REQUESTED,
            "can_receive": status == AfterSaleStatus.APPROVED and aftersale.type != AfterSaleType.REFUND,
            "can_ship": status == AfterSaleStatus.RECEIVED and aftersale.type == AfterSaleType.EXCHANGE,
        }
        return TemplateResponse(request, "orders/admin/review.html", context)

    def _decide(self, request, aftersale, action: str | None, data: dict) -> None:
        actor = request.user.pk
        if action == "approve":
            services.approve_aftersale(aftersale_id=aftersale.pk, shop=request.shop, actor_user_id=actor)
        elif action == "reject":
            services.reject_aftersale(aftersale_id=aftersale.pk, reason=data["reason"], actor_user_id=actor)
        elif action == "receive":
            services.receive_return(aftersale_id=aftersale.pk, shop=request.shop, actor_user_id=actor)
        elif action == "ship":
            services.ship_exchange(
                aftersale_id=aftersale.pk, carrier=data["carrier"], tracking_number=data["tracking_number"],
                actor_user_id=actor,
            )  # fmt: skip
        else:
            raise Invalid(errors={"action": [gettext("Choose what to do.")]})
