"""Shop back office, group 分销 (app label distribution): distributors and approvals, the ledger, withdrawals,
re-binding, settings, tiers, rate overrides, CSV exports. Amounts in 元. Every write goes through services."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin
from micromall.money import YuanField, format_money
from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site

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


class ReadOnly(DistributionScreen):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DistributionSettingsForm(forms.ModelForm):
    min_withdrawal_amount = YuanField(label=_("Minimum withdrawal"))

    class Meta:
        model = DistributionSettings
        fields = [
            "enabled",
            "levels",
            "rates_bps",
            "freeze_days",
            "min_withdrawal_amount",
            "self_purchase_commission",
            "auto_approve",
        ]


@admin.register(DistributionSettings, site=shop_admin_site)
class DistributionSettingsAdmin(DistributionScreen):
    form = DistributionSettingsForm
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
    list_display = ["code", "member", "status", "tier", "pending", "available", "withdrawn", "created"]
    list_filter = ["status", "tier"]
    search_fields = ["code", "member__phone", "member__email"]
    actions = ["approve", "reject", "export_csv"]

    def has_change_permission(self, request, obj=None):
        return DistributionScreen.has_change_permission(self, request, obj)  # for the actions; fields read-only

    def get_readonly_fields(self, request, obj=None):
        return ["member", "code", "status", "tier", "approved_at"]

    def save_model(self, request, obj, form, change):
        """Every field is read-only: approvals go through the actions (services), so there is nothing to save."""

    @admin.display(description=_("Pending (yuan)"))
    def pending(self, d):
        return format_money(selectors.balances(distributor_id=d.pk).pending_amount)

    @admin.display(description=_("Available (yuan)"))
    def available(self, d):
        return format_money(selectors.balances(distributor_id=d.pk).available_amount)

    @admin.display(description=_("Withdrawn (yuan)"))
    def withdrawn(self, d):
        return format_money(selectors.balances(distributor_id=d.pk).withdrawn_amount)

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
        return format_money(e.base_amount)

    @admin.display(description=_("Amount (yuan)"))
    def commission(self, e):
        return format_money(e.amount)

    @admin.action(description=_("Export CSV"))
    def export_csv(self, request, queryset):
        return csv_response(exports.ledger_rows(queryset), "commission-ledger.csv")


@admin.register(Withdrawal, site=shop_admin_site)
class WithdrawalAdmin(DistributionScreen):
    list_display = ["id", "distributor", "money", "status", "transfer_reference", "created", "decided_at"]
    list_filter = ["status"]
    fields = ["distributor", "amount", "status", "transfer_reference", "note"]
    actions = ["reject", "compliance_export"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.status != WithdrawalStatus.REQUESTED:
            return self.fields
        return ["distributor", "amount", "status"]

    @admin.display(description=_("Amount (yuan)"))
    def money(self, w):
        return format_money(w.amount)

    def save_model(self, request, obj, form, change):
        """Entering the transfer reference on a requested withdrawal records the manual payout."""
        if obj.transfer_reference.strip():
            services.approve_withdrawal(withdrawal_id=obj.pk, transfer_reference=obj.transfer_reference)

    @admin.action(description=_("Reject selected withdrawals"), permissions=["change"])
    def reject(self, request, queryset):
        for w in queryset.filter(status=WithdrawalStatus.REQUESTED):
            self.call_service(request, services.reject_withdrawal, withdrawal_id=w.pk, label=str(w.pk))

    @admin.action(description=_("Compliance export: rules in force and payouts of the last 30 days"))
    def compliance_export(self, request, queryset):
        end = timezone.now()
        rows = exports.compliance_rows(withdrawals=Withdrawal.objects.all(), start=end - timedelta(days=30), end=end)
        return csv_response(rows, "distribution-compliance.csv")


@admin.register(Binding, site=shop_admin_site)
class BindingAdmin(DistributionScreen):
    """Re-binding: change the distributor here; the service refuses cycles and writes the audit row."""

    list_display = ["member", "distributor", "source", "created"]
    search_fields = ["member__phone", "member__email", "distributor__code"]
    fields = ["member", "distributor", "source"]
    readonly_fields = ["member", "source"]
    raw_id_fields = ["distributor"]

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
    min_sales_amount = YuanField(label=_("Minimum sales"))

    class Meta:
        model = Tier
        fields = ["name", "rank", "min_sales_amount", "min_team_size", "rates_bps"]


@admin.register(Tier, site=shop_admin_site)
class TierAdmin(DistributionScreen):
    form = TierForm
    list_display = ["name", "rank", "min_sales", "min_team_size", "rates_bps"]

    @admin.display(description=_("Minimum sales"), ordering="min_sales_amount")
    def min_sales(self, tier):
        return format_money(tier.min_sales_amount)

    def save_model(self, request, obj, form, change):
        services.save_tier(tier=obj)

    def delete_model(self, request, obj):
        services.delete_tiers(tier_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_tiers(tier_ids=list(queryset.values_list("pk", flat=True)))


@admin.register(RateOverride, site=shop_admin_site)
class RateOverrideAdmin(DistributionScreen):
    list_display = ["product_id", "sku_id", "rates_bps"]

    def save_model(self, request, obj, form, change):
        services.set_rate_override(product_id=obj.product_id, sku_id=obj.sku_id, rates_bps=obj.rates_bps)

    def delete_model(self, request, obj):
        services.delete_rate_overrides(override_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_rate_overrides(override_ids=list(queryset.values_list("pk", flat=True)))
