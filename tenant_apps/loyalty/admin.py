"""Shop back office, group 积分与等级 (app label loyalty): settings, member levels, the points ledger with manual
adjustments (who and why are kept on the entry), members' balances, check-ins and invitations. Points are
shown with their value in 元 at the shop's redeem ratio. Every write goes through services."""

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin
from micromall.backoffice import ReadOnlyMixin
from micromall.money import format_yuan
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site
from tenant_apps.members.interface import Member

from . import selectors, services
from .models import CheckIn, GrowthEntry, Invitation, LoyaltySettings, MemberLevel, PointsAccount, PointsEntry

SETTINGS_FIELDS = [
    "points_per_yuan", "redeem_points_per_yuan", "min_redeem_points", "max_redeem_points", "max_redeem_percent",
    "points_freeze_days", "points_expire_days", "checkin_rewards", "checkin_cumulative_rewards", "growth_per_yuan",
    "checkin_growth", "invite_points", "invite_growth", "invite_daily_cap",
]  # fmt: skip


def points_value(points: int) -> str:
    """What `points` are worth when paying, in 元 (at the shop's redeem ratio)."""
    return format_yuan(points * 100 // selectors.loyalty_settings().redeem_points_per_yuan)


class ReadOnly(ReadOnlyMixin, ShopModelAdmin):
    """Rows the app writes itself: listed and shown, never added, changed or deleted here."""


@admin.register(LoyaltySettings, site=shop_admin_site)
class LoyaltySettingsAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    fields = SETTINGS_FIELDS
    manage_permission = Permission.MARKETING_MANAGE

    def has_add_permission(self, request):
        return not LoyaltySettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.update_settings(**{field: getattr(obj, field) for field in self.fields})


@admin.register(MemberLevel, site=shop_admin_site)
class MemberLevelAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    list_display = ["name", "growth_threshold", "discount_percent"]
    fields = ["name", "growth_threshold", "discount_percent"]
    manage_permission = Permission.MARKETING_MANAGE
    delete_permission = Permission.MARKETING_MANAGE

    def save_model(self, request, obj, form, change):
        services.save_level(level=obj)

    def delete_model(self, request, obj):
        services.delete_levels(level_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_levels(level_ids=list(queryset.values_list("pk", flat=True)))


class AdjustmentForm(forms.ModelForm):
    """A manual adjustment: the member, the points (negative deducts) and the reason (required, kept)."""

    member = forms.ModelChoiceField(queryset=Member.objects.all(), label=_("member"), widget=forms.NumberInput)
    points = forms.IntegerField(label=_("points"), help_text=_("Negative to deduct."))
    reason = forms.CharField(label=_("reason"), max_length=200)

    class Meta:
        model = PointsEntry
        fields = ["member", "points", "reason"]


@admin.register(PointsEntry, site=shop_admin_site)
class PointsEntryAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    """The points ledger (read-only rows); "add" is a manual adjustment with its reason."""

    list_display = ["created", "member", "kind", "points", "frozen", "value", "order_id", "reason", "by"]
    list_filter = ["kind"]
    search_fields = ["member__phone", "member__email", "reason", "=order_id"]
    list_select_related = ["member"]
    form = AdjustmentForm
    manage_permission = Permission.MARKETING_MANAGE

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["member", "points", "reason"]
        return ["member", "kind", "points", "frozen", "order_id", "reason", "by", "available_at", "expires_at",
                "created"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Value (yuan)"))
    def value(self, entry):
        return points_value(entry.points + entry.frozen)

    def save_model(self, request, obj, form, change):
        entry = services.adjust_points(
            member_id=form.cleaned_data["member"].pk,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=str(request.user),
        )
        obj.pk = entry.pk  # the change list links the new row


def _sum(field: str):
    rows = PointsEntry.objects.filter(member_id=OuterRef("member_id")).order_by().values("member_id")
    return Coalesce(Subquery(rows.annotate(total=Sum(field)).values("total")[:1]), 0)


@admin.register(PointsAccount, site=shop_admin_site)
class PointsAccountAdmin(ReadOnly):
    """Members' points: balance, frozen, growth and level, all summed from the ledgers."""

    list_display = ["member", "balance", "frozen", "value", "growth", "level", "invite_code"]
    search_fields = ["member__phone", "member__email", "member__nickname", "invite_code"]
    list_select_related = ["member"]

    def get_queryset(self, request):
        growth = GrowthEntry.objects.filter(member_id=OuterRef("member_id")).order_by().values("member_id")
        return (
            super()
            .get_queryset(request)
            .annotate(
                balance=_sum("points"),
                frozen=_sum("frozen"),
                growth=Coalesce(Subquery(growth.annotate(total=Sum("growth")).values("total")[:1]), 0),
            )
        )

    @admin.display(description=_("points"), ordering="balance")
    def balance(self, account):
        return account.balance

    @admin.display(description=_("frozen points"), ordering="frozen")
    def frozen(self, account):
        return account.frozen

    @admin.display(description=_("Value (yuan)"))
    def value(self, account):
        return points_value(account.balance)

    @admin.display(description=_("growth"), ordering="growth")
    def growth(self, account):
        return account.growth

    @admin.display(description=_("member level"))
    def level(self, account):
        levels = getattr(self, "_levels", None)
        if levels is None:
            levels = self._levels = selectors.level_rules()
        from .rules import level_for

        found = level_for(account.growth, levels)
        return found.name if found else "-"

    def changelist_view(self, request, extra_context=None):
        self._levels = None
        return super().changelist_view(request, extra_context)


@admin.register(CheckIn, site=shop_admin_site)
class CheckInAdmin(ReadOnly):
    list_display = ["local_date", "member", "streak", "points", "created"]
    list_filter = ["local_date"]
    search_fields = ["member__phone", "member__email"]
    list_select_related = ["member"]


@admin.register(Invitation, site=shop_admin_site)
class InvitationAdmin(ReadOnly):
    list_display = ["inviter", "invitee", "status", "order_id", "due_at", "rewarded_at", "created"]
    list_filter = ["status"]
    search_fields = ["inviter__phone", "invitee__phone", "inviter__email", "invitee__email"]
    list_select_related = ["inviter", "invitee"]
