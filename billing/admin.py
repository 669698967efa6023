"""Operator console (platform host admin): plans, subscriptions, invoices (mark paid, print), fee ledger, Stripe
events, suspension audit, shops with plan/status/GMV and audited suspend/resume; the monthly revenue report.
The merchant's 套餐与账单 page in the shop back office lives in billing/backoffice.py."""

from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from micromall.admin_forms import ServiceErrorsAdmin
from micromall.errors import ApplicationError
from shared_apps.tenancy.admin import ShopAdmin
from shared_apps.tenancy.models import Shop

from . import operators, pages, selectors, services
from .models import (
    FeeEntry,
    Invoice,
    InvoiceLine,
    Plan,
    ShopStatusChange,
    StripeEvent,
    Subscription,
)
from .money import yuan
from .operators import is_operator
from .services import stripe_billing as stripe_sync


@admin.register(Plan)
class PlanAdmin(ServiceErrorsAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "interval", "price", "technical_fee_bps", "trial_days", "staff_seats", "is_active"]
    list_filter = ["interval", "is_active"]
    readonly_fields = ["stripe_price_id"]

    @admin.display(description=gettext_lazy("price"))
    def price(self, plan: Plan) -> str:
        return yuan(plan.price_amount, plan.currency)

    def save_model(self, request, obj, form, change):
        services.save_plan(plan=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # subscriptions and invoices refer to plans: retire one with is_active instead


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["shop", "plan", "status", "current_period_end", "cancel_at_period_end", "account"]
    list_filter = ["status", "plan"]
    search_fields = ["shop__subdomain", "shop__name"]
    raw_id_fields = ["shop", "account"]
    readonly_fields = ["stripe_subscription_id", "stripe_item_id", "stripe_state_at", "past_due_since"]

    # The state machine moves only through billing.services (API, webhooks, beat tasks, the shop screen's actions).
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ["position", "shop", "kind", "description", "amount"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "account", "period_start", "period_end", "total", "status", "due_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["number", "account__shop__subdomain", "account__agency__name"]
    inlines = [InvoiceLineInline]
    actions = ["mark_paid"]
    readonly_fields = ["number", "total_amount", "stripe_invoice_id", "stripe_state_at", "marked_paid_by"]

    # Invoices are issued by the billing run and paid through the "mark paid" action, never edited by hand.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("total"))
    def total(self, invoice: Invoice) -> str:
        return yuan(invoice.total_amount, invoice.currency)

    def has_mark_paid_permission(self, request) -> bool:
        return is_operator(request.user, operators.MARK_PAID)

    @admin.action(description=gettext_lazy("Mark paid (money received offline)"), permissions=["mark_paid"])
    def mark_paid(self, request, queryset):
        for invoice in queryset:
            services.mark_invoice_paid(invoice_id=invoice.pk, by=request.user)
        self.message_user(request, _("Marked paid: %(count)d invoice(s).") % {"count": len(queryset)}, messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view(pages.operator_invoice_page)
        revenue = self.admin_site.admin_view(pages.revenue_page)
        return [
            path("revenue/", revenue, name="billing_revenue"),
            path("<int:invoice_id>/print/", view, name="billing_invoice_print"),
            *super().get_urls(),
        ]


@admin.register(FeeEntry)
class FeeEntryAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "shop",
        "event_name",
        "order_number",
        "gmv_amount",
        "technical_fee_bps",
        "fee_amount",
        "collected_by_stripe",
        "invoice_line",
    ]
    list_filter = ["event_name", "collected_by_stripe"]
    search_fields = ["shop__subdomain", "order_number"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the ledger is append-only (a refund is a negative entry)


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "status", "created", "received_at", "processed_at"]
    list_filter = ["status", "type"]
    search_fields = ["event_id"]
    actions = ["reprocess"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # stored events are the dedupe record: deleting one would let Stripe's retry apply twice

    def has_reprocess_permission(self, request) -> bool:
        return is_operator(request.user, operators.REPROCESS)

    @admin.action(description=gettext_lazy("Process again"), permissions=["reprocess"])
    def reprocess(self, request, queryset):
        fixed = stripe_sync.reprocess_failed(queryset.values_list("pk", flat=True))
        self.message_user(request, _("Processed again: %(count)d event(s).") % {"count": fixed}, messages.INFO)


@admin.register(ShopStatusChange)
class ShopStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "shop", "action", "source", "reason", "by"]
    list_filter = ["action", "source"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(Shop)


@admin.register(Shop)
class ShopBillingAdmin(ShopAdmin):
    """tenancy's shop screen plus plan, subscription status and 30-day GMV; suspend/resume ask for a reason and
    go through billing.services (audited, and a payment never lifts an operator's suspension)."""

    list_display = ["id", "name", "subdomain", "status", "plan", "subscription_status", "gmv_30d", "owner", "agency"]
    actions = ["suspend", "resume"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subscription__plan", "owner", "agency")

    def changelist_view(self, request, extra_context=None):
        self._gmv = None
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("plan"))
    def plan(self, shop: Shop) -> str:
        subscription = getattr(shop, "subscription", None)
        return subscription.plan.code if subscription else "-"

    @admin.display(description=gettext_lazy("subscription"))
    def subscription_status(self, shop: Shop) -> str:
        subscription = getattr(shop, "subscription", None)
        return subscription.get_status_display() if subscription else "-"

    @admin.display(description=gettext_lazy("GMV (30 days)"))
    def gmv_30d(self, shop: Shop) -> str:
        if getattr(self, "_gmv", None) is None:
            self._gmv = selectors.gmv_30d(list(Shop.objects.values_list("pk", flat=True)))
        return yuan(self._gmv.get(shop.pk, 0), shop.currency)

    def _with_reason(self, request, queryset, action: str):
        reason = request.POST.get("reason", "").strip()
        if "apply" not in request.POST or not reason:
            return render(
                request,
                "billing/admin_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "shops": queryset,
                    "action": action,
                    "title": _("Suspend shops") if action == "suspend" else _("Resume shops"),
                    "missing_reason": "apply" in request.POST,
                },
            )
        act = services.suspend_shop if action == "suspend" else services.resume_shop
        done = []
        for shop in queryset:
            try:
                act(shop_id=shop.pk, reason=reason, by=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{shop.subdomain}: {exc.message or exc}", messages.WARNING)
            else:
                done.append(shop.subdomain)
        if done:
            text = _("Suspended: %(shops)s.") if action == "suspend" else _("Resumed: %(shops)s.")
            self.message_user(request, text % {"shops": ", ".join(done)}, messages.SUCCESS)
        return None

    def has_suspend_permission(self, request) -> bool:
        return is_operator(request.user, operators.SUSPEND)

    @admin.action(description=gettext_lazy("Suspend (with a reason)"), permissions=["suspend"])
    def suspend(self, request, queryset):
        return self._with_reason(request, queryset, "suspend")

    @admin.action(description=gettext_lazy("Resume (with a reason)"), permissions=["suspend"])
    def resume(self, request, queryset):
        return self._with_reason(request, queryset, "resume")


from . import backoffice  # noqa: E402, F401  (the shop back office's 套餐与账单 page)
