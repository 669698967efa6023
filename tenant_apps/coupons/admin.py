"""Shop back office, group 优惠券 (app label coupons): coupon templates (list, create, edit, issue to members,
usage) and the coupons members hold (void). Amounts typed and shown in 元; every write goes through services."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin
from micromall.errors import Invalid
from micromall.money import YuanField, format_money
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site
from tenant_apps.members.interface import Member

from . import selectors, services
from .models import Coupon, CouponKind, IssueSource, MemberCoupon, MemberCouponStatus


def face_value(kind: str, amount: int, percent_off: int, low: int = 0, high: int = 0) -> str:
    if kind == CouponKind.PERCENT:
        # 12% off: the shopper pays 8.8 tenths (8.8折)
        return _("%(percent)d%% off (pay %(tenths)s tenths)") % {
            "percent": percent_off,
            "tenths": f"{(100 - percent_off) / 10:g}",
        }
    if kind == CouponKind.RANDOM:
        return f"{format_money(low)} – {format_money(high)}"
    return format_money(amount)


class CouponForm(forms.ModelForm):
    amount = YuanField(label=_("Amount off (yuan)"), required=False, help_text=_("Amount-off and shipping coupons."))
    amount_min = YuanField(label=_("Lowest random amount (yuan)"), required=False)
    amount_max = YuanField(label=_("Highest random amount (yuan)"), required=False)
    max_discount_amount = YuanField(label=_("Discount cap (yuan)"), required=False)
    threshold_amount = YuanField(label=_("Minimum spend (yuan)"), required=False, help_text=_("0: no minimum."))
    issue_to = forms.CharField(
        label=_("Issue to members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mobile numbers, e-mail addresses or member ids, separated by commas or new lines."),
    )

    class Meta:
        model = Coupon
        fields = list(services.COUPON_FIELDS)

    def _get_validation_exclusions(self):
        """The table's check constraints (percent 1-99, window, stock) are the service's rules, which answer on
        the fields when save_model calls it (ServiceErrorsAdmin), rather than one "constraint violated" line."""
        return super()._get_validation_exclusions() | {"kind", "percent_off", "valid_from", "valid_to"}


@admin.register(Coupon, site=shop_admin_site)
class CouponAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    form = CouponForm
    manage_permission = Permission.MARKETING_MANAGE
    delete_permission = Permission.MARKETING_MANAGE
    list_display = ["name", "kind", "value", "threshold", "stock", "used", "valid_from", "valid_to", "is_active"]
    list_filter = ["kind", "is_active", "self_claim", "issue_on_register"]
    search_fields = ["name"]
    readonly_fields = ["issued_count", "usage"]
    service_error_fields = {
        "scope.products": "products",
        "scope.categories": "categories",
        "scope.exclude_products": "exclude_products",
        "scope.exclude_categories": "exclude_categories",
        "member_ids": "issue_to",
    }
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_active"]}),
        (
            _("Discount"),
            {
                "fields": [
                    "amount",
                    "amount_min",
                    "amount_max",
                    "percent_off",
                    "max_discount_amount",
                    "threshold_amount",
                    "full_price_only",
                ]
            },
        ),
        (
            _("Stock and limits"),
            {"fields": ["total_quantity", "issued_count", "per_member_limit", "per_member_daily_limit"]},
        ),
        (_("Validity"), {"fields": ["valid_from", "valid_to", "validity", "valid_after_days", "valid_days"]}),
        (_("Scope"), {"fields": ["products", "categories", "exclude_products", "exclude_categories"]}),
        (_("Issuing"), {"fields": ["self_claim", "issue_on_register", "issue_to", "usage"]}),
    ]

    @admin.display(description=_("Value"))
    def value(self, c: Coupon) -> str:
        return face_value(c.kind, c.amount, c.percent_off, c.amount_min, c.amount_max)

    @admin.display(description=_("Minimum spend"))
    def threshold(self, c: Coupon) -> str:
        return format_money(c.threshold_amount) if c.threshold_amount else "—"

    @admin.display(description=_("Issued / stock"))
    def stock(self, c: Coupon) -> str:
        return f"{c.issued_count} / {c.total_quantity}"

    @admin.display(description=_("Used"))
    def used(self, c: Coupon) -> int:
        return selectors.usage(coupon_id=c.pk)["used"]

    @admin.display(description=_("Usage"))
    def usage(self, c: Coupon) -> str:
        if c.pk is None:
            return "—"
        counts = selectors.usage(coupon_id=c.pk)
        return _("%(unused)d unused, %(locked)d in unpaid orders, %(used)d used, %(void)d void") % counts

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {field: data.get(field) for field in services.COUPON_FIELDS if field in data}
        for field in ("amount", "amount_min", "amount_max", "threshold_amount", "percent_off"):
            values[field] = values.get(field) or 0
        for field in ("products", "categories", "exclude_products", "exclude_categories"):
            values[field] = [int(v) for v in values.get(field) or []]
        saved = services.update_coupon(coupon_id=obj.pk, **values) if change else services.create_coupon(**values)
        obj.pk, obj.issued_count = saved.pk, saved.issued_count
        members = member_ids(data.get("issue_to") or "")
        if members:
            issued = services.issue_to_members(
                coupon_id=saved.pk, member_ids=members, source=IssueSource.STAFF, reason=str(request.user)
            )
            self.message_user(request, _("%(count)d coupons issued.") % {"count": len(issued)}, messages.SUCCESS)

    def delete_model(self, request, obj):
        services.delete_coupons(coupon_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_coupons(coupon_ids=list(queryset.values_list("pk", flat=True)))


def member_ids(text: str) -> list[int]:
    """Members named by mobile number, e-mail or id; Invalid(member_ids) naming the ones not found."""
    wanted = [part.strip() for part in text.replace("\n", ",").replace("，", ",").split(",") if part.strip()]
    found, missing = [], []
    for value in wanted:
        member = Member.objects.filter(phone=value).first() or Member.objects.filter(email__iexact=value).first()
        if member is None and value.isdigit() and len(value) < 12:
            member = Member.objects.filter(pk=int(value)).first()
        (found if member else missing).append(member.pk if member else value)
    if missing:
        raise Invalid(errors={"member_ids": [_("No such member: %(who)s.") % {"who": ", ".join(missing[:20])}]})
    return found


@admin.register(MemberCoupon, site=shop_admin_site)
class MemberCouponAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    """Coupons in members' hands: who holds what, which order used it; void the ones not used yet."""

    manage_permission = Permission.MARKETING_MANAGE
    delete_permission = Permission.MARKETING_MANAGE
    list_display = ["code", "member", "name", "value", "state", "order_number", "source", "created", "valid_to"]
    list_filter = ["status", "source", "coupon"]
    search_fields = ["code", "member__phone", "member__email", "order_number"]
    list_select_related = ["member"]
    actions = ["void"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return ShopModelAdmin.has_change_permission(self, request, obj)  # for the action; fields stay read-only

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in MemberCoupon._meta.fields]

    def save_model(self, request, obj, form, change):
        """Every field is read-only: voiding goes through the action (a service), so there is nothing to save."""

    @admin.display(description=_("Value"))
    def value(self, c: MemberCoupon) -> str:
        return face_value(c.kind, c.amount, c.percent_off)

    @admin.display(description=_("Status"))
    def state(self, c: MemberCoupon) -> str:
        return MemberCouponStatus(selectors.display_status(c, timezone.now())).label

    @admin.action(description=_("Void selected coupons"), permissions=["change"])
    def void(self, request, queryset):
        count = services.void_member_coupons(member_coupon_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d coupons voided.") % {"count": count}, messages.SUCCESS)
