"""Shop back office, group 分销 (app label distribution): distributors and approvals, the ledger, withdrawals,
re-binding, settings, tiers, rate overrides, CSV exports. Amounts in 元. Every write goes through services."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin
from micromall.backoffice import ReadOnlyMixin
from micromall.money import YuanField, format_yuan
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site

from . import exports, selectors, services
from .models import (
    Binding,
    CommissionEntry,
    DistributionSettings,
    Distributor,
    RateOverride,
    RebindAudit,
    Tier,
    Withdrawal,
    WithdrawalStatus,
)


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(exports.csv_rows(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class DistributionScreen(ServiceErrorsAdmin, ShopModelAdmin):
    """A refusal of a distribution service comes back on the form (or as an error message for actions)."""


class ReadOnly(ReadOnlyMixin, DistributionScreen):
    """Rows the app writes itself: listed and shown, never added, changed or deleted here."""


class DistributionSettingsForm(forms.ModelForm):
    min_withdrawal_amount = YuanField(label=_("Minimum withdrawal (yuan)"))

    class Meta:
        model = DistributionSettings
        fields = ["enabled", "levels", "rates_bps", "freeze_days", "min_withdrawal_amount", "self_purchase_commission",
                  "auto_approve"]  # fmt: skip


@admin.register(DistributionSettings, site=shop_admin_site)
class DistributionSettingsAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    """Refusals (levels, rates, a freeze shorter than the shop's return window) come back on their fields."""

    form = DistributionSettingsForm
    manage_permission = Permission.DISTRIBUTION_MANAGE
    fields = ["enabled", "levels", "rates_bps", "freeze_days", "min_withdrawal_amount", "self_purchase_commission",
              "auto_approve"]  # fmt: skip

    def has_add_permission(self, request):
        return not DistributionSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.update_settings(**{field: getattr(obj, field) for field in self.fields})


@admin.register(Distributor, site=shop_admin_site)
class DistributorAdmin(ReadOnly):
    """Approvals go through the actions; the one editable field is the Stripe connected account for payouts."""

    manage_permission = Permission.DISTRIBUTION_MANAGE
    list_display = ["code", "member", "status", "tier", "pending", "available", "withdrawn", "created"]
    list_filter = ["status", "tier"]
    search_fields = ["code", "member__phone", "member__email"]
    actions = ["approve", "reject", "export_csv"]

    def has_change_permission(self, request, obj=None):
        return ShopModelAdmin.has_change_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["member", "code", "status", "tier", "approved_at"]

    def save_model(self, request, obj, form, change):
        if "stripe_account_id" in form.changed_data:
            services.set_payout_account(distributor_id=obj.pk, stripe_account_id=obj.stripe_account_id)

    @admin.display(description=_("Pending (yuan)"))
    def pending(self, d):
        return format_yuan(selectors.balances(distributor_id=d.pk).pending_amount)

    @admin.display(description=_("Available (yuan)"))
    def available(self, d):
        return format_yuan(selectors.balances(distributor_id=d.pk).available_amount)

    @admin.display(description=_("Withdrawn (yuan)"))
    def withdrawn(self, d):
        return format_yuan(selectors.balances(distributor_id=d.pk).withdrawn_amount)

    @admin.action(description=_("Approve selected distributors"), permissions=["change"])
    def approve(self, request, queryset):
        for d in queryset:
            self.call_service(request, services.decide_distributor, distributor_id=d.pk, approve=True, label=d.code)

    @admin.action(description=_("Reject selected distributors"), permissions=["change"])
    def reject(self, request, queryset):
        for d in queryset:
            self.call_service(request, services.decide_distributor, distributor_id=d.pk, approve=False, label=d.code)

    @admin.action(description=_("Export CSV"))
    def export_csv(self, request, queryset):
        return csv_response(exports.distributor_rows(queryset), "distributors.csv")


@admin.register(CommissionEntry, site=shop_admin_site)
class CommissionEntryAdmin(ReadOnly):
    list_display = ["order_number", "distributor", "level", "kind", "base", "rate_bps", "commission", "status",
                    "available_at"]  # fmt: skip
    list_filter = ["status", "kind", "level"]
    search_fields = ["order_number", "distributor__code"]
    actions = ["export_csv"]

    @admin.display(description=_("Base (yuan)"))
    def base(self, e):
        return format_yuan(e.base_amount)

    @admin.display(description=_("Amount (yuan)"))
    def commission(self, e):
        return format_yuan(e.amount)

    @admin.action(description=_("Export CSV"))
    def export_csv(self, request, queryset):
        return csv_response(exports.ledger_rows(queryset), "commission-ledger.csv")


class WithdrawalForm(forms.ModelForm):
    pay_by_stripe = forms.BooleanField(
        required=False, label=_("Pay by Stripe transfer to the distributor's connected account")
    )

    class Meta:
        model = Withdrawal
        fields = ["transfer_reference", "note"]


@admin.register(Withdrawal, site=shop_admin_site)
class WithdrawalAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    """Enter the transfer reference of a manual payout, or tick "pay by Stripe transfer" when the distributor
    has a connected account; a refusal (or Stripe failing) comes back on the form, the withdrawal unchanged."""

    form = WithdrawalForm
    manage_permission = Permission.WITHDRAWALS_MANAGE
    list_display = ["id", "distributor", "money", "status", "payout_method", "transfer_reference", "created",
                    "decided_at"]  # fmt: skip
    list_filter = ["status", "payout_method"]
    fields = ["distributor", "amount", "status", "payout_method", "transfer_reference", "note"]
    actions = ["reject", "compliance_export"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.status != WithdrawalStatus.REQUESTED:
            return self.fields
        return ["distributor", "amount", "status", "payout_method"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status == WithdrawalStatus.REQUESTED and services.pays_by_stripe(obj.distributor):
            return [(None, {"fields": [*fieldsets[0][1]["fields"], "pay_by_stripe"]})]
        return fieldsets

    @admin.display(description=_("Amount (yuan)"))
    def money(self, w):
        return format_yuan(w.amount)

    def save_model(self, request, obj, form, change):
        """A transfer reference records a manual payout; "pay by Stripe transfer" makes the transfer."""
        if obj.transfer_reference.strip() or form.cleaned_data.get("pay_by_stripe"):
            services.approve_withdrawal(withdrawal_id=obj.pk, transfer_reference=obj.transfer_reference)

    @admin.action(description=_("Reject selected withdrawals"), permissions=["change"])
    def reject(self, request, queryset):
        for w in queryset.filter(status=WithdrawalStatus.REQUESTED):
            self.call_service(request, services.reject_withdrawal, withdrawal_id=w.pk, label=f"#{w.pk}")

    @admin.action(description=_("Compliance export: rules in force and payouts of the last 30 days"))
    def compliance_export(self, request, queryset):
        end = timezone.now()
        rows = exports.compliance_rows(withdrawals=Withdrawal.objects.all(), start=end - timedelta(days=30), end=end)
        return csv_response(rows, "distribution-compliance.csv")


@admin.register(Binding, site=shop_admin_site)
class BindingAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    """Re-binding: change the distributor here; the service refuses cycles and writes the audit row."""

    list_display = ["member", "distributor", "source", "created"]
    search_fields = ["member__phone", "member__email", "distributor__code"]
    fields = ["member", "distributor", "source"]
    readonly_fields = ["member", "source"]
    raw_id_fields = ["distributor"]
    manage_permission = Permission.DISTRIBUTION_MANAGE

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.rebind(member_id=obj.member_id, code=obj.distributor.code, by=str(request.user))


@admin.register(RebindAudit, site=shop_admin_site)
class RebindAuditAdmin(ReadOnly):
    list_display = ["member", "from_distributor", "to_distributor", "by", "reason", "created"]


class TierForm(forms.ModelForm):
    min_sales_amount = YuanField(label=_("Cumulative sales to reach it (yuan)"))

    class Meta:
        model = Tier
        fields = ["name", "rank", "min_sales_amount", "min_team_size", "rates_bps"]


@admin.register(Tier, site=shop_admin_site)
class TierAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    form = TierForm
    manage_permission = Permission.DISTRIBUTION_MANAGE
    delete_permission = Permission.DISTRIBUTION_MANAGE
    list_display = ["name", "rank", "min_sales", "min_team_size", "rates_bps"]

    @admin.display(description=_("Cumulative sales to reach it (yuan)"))
    def min_sales(self, t):
        return format_yuan(t.min_sales_amount)

    def save_model(self, request, obj, form, change):
        services.save_tier(tier=obj)

    def delete_model(self, request, obj):
        services.delete_tiers(tier_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_tiers(tier_ids=list(queryset.values_list("pk", flat=True)))


@admin.register(RateOverride, site=shop_admin_site)
class RateOverrideAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    manage_permission = Permission.DISTRIBUTION_MANAGE
    delete_permission = Permission.DISTRIBUTION_MANAGE
    list_display = ["product_id", "sku_id", "rates_bps"]

    def save_model(self, request, obj, form, change):
        if change:  # the target may have changed: the service keys overrides by product or SKU
            services.delete_rate_overrides(override_ids=[obj.pk])
        saved = services.set_rate_override(product_id=obj.product_id, sku_id=obj.sku_id, rates_bps=obj.rates_bps)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_rate_overrides(override_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_rate_overrides(override_ids=list(queryset.values_list("pk", flat=True)))
