"""套餐与账单 in the shop back office: plan, trial days left, invoices (printable), the fee ledger, and upgrading.

Owners see and change it; finance sees it; other roles do not see the menu entry."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from micromall.errors import ApplicationError
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, request_can, shop_admin_site

from . import pages, selectors, services
from .models import BillingPage, Subscription
from .money import yuan


@admin.register(BillingPage, site=shop_admin_site)
class BillingPageAdmin(ShopModelAdmin):
    def has_module_permission(self, request) -> bool:
        return request_can(request, Permission.BILLING_VIEW)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        invoice = self.admin_site.admin_view(self.invoice_view)
        return [path("invoice/<int:invoice_id>/", invoice, name="billing_shop_invoice"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not self.has_module_permission(request):
            raise PermissionDenied
        shop = request.shop
        if request.method == "POST":
            if not request_can(request, Permission.BILLING_MANAGE):
                raise PermissionDenied
            try:
                services.change_plan(shop=shop, plan_code=request.POST.get("plan", ""), by=request.user)
            except ApplicationError as exc:
                text = exc.message or " ".join(m for msgs in exc.errors.values() for m in msgs)
                self.message_user(request, text, messages.ERROR)
            else:
                self.message_user(request, _("Plan changed."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        subscription = Subscription.objects.select_related("plan").filter(shop=shop).first()
        invoices = list(selectors.invoices_for_shop(shop, user=request.user)[:24])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Plan and billing"),
            "subscription": subscription,
            "plan_name": _(subscription.plan.name) if subscription else "",
            "trial_days_left": selectors.trial_days_left(subscription) if subscription else 0,
            "plans": [
                {"plan": plan, "name": _(plan.name), "price": yuan(plan.price_amount, plan.currency)}
                for plan in selectors.active_plans()
            ],
            "invoices": [{"invoice": i, "total": yuan(i.total_amount, i.currency)} for i in invoices],
            "ledger": [
                {"entry": e, "fee": yuan(e.fee_amount, e.currency), "gmv": yuan(e.gmv_amount, e.currency)}
                for e in selectors.fee_ledger(shop, limit=50)
            ],
            "can_change": request_can(request, Permission.BILLING_MANAGE),
        }
        return render(request, "billing/backoffice.html", context)

    def invoice_view(self, request, invoice_id: int):
        if not self.has_module_permission(request):
            raise PermissionDenied
        invoice = selectors.invoices_for_shop(request.shop, user=request.user).filter(pk=invoice_id).first()
        if invoice is None:
            raise Http404
        return pages.render_invoice(request, invoice)
