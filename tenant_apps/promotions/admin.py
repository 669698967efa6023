"""Back office, group 营销 (marketing): promotion rules, rule groups, limited-time discounts, member prices, the
uses orders recorded, and "simulate a cart". Amounts are typed and shown in 元; every write goes through services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin, add_errors
from micromall.errors import ApplicationError, Invalid
from micromall.money import YuanField, format_money, parse_yuan, to_yuan_text
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, request_can, shop_admin_site

from . import selectors, services
from .models import (
    QUANTITY_KINDS,
    CartSimulation,
    LimitedDiscount,
    MemberPrice,
    PromotionRule,
    PromotionUse,
    RuleGroup,
    RuleKind,
)
from .offers import as_promotion, rule_labels


class MarketingAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    backoffice_group = "marketing"
    manage_permission = Permission.MARKETING_MANAGE
    delete_permission = Permission.MARKETING_MANAGE


def ids_text(ids) -> str:
    return ", ".join(str(i) for i in ids or [])


def parse_ids(text: str) -> list[int]:
    parts = [part for part in text.replace("，", ",").replace(" ", ",").split(",") if part.strip()]
    if not all(part.strip().isdigit() for part in parts):
        raise forms.ValidationError(gettext("Give ids separated by commas."))
    return [int(part) for part in parts]


# --- status actions shared by rules and limited-time discounts -------------------------------------------------


def status_actions(change):
    def make(action: str, label):
        def run(modeladmin, request, queryset):
            done = 0
            for pk in queryset.values_list("pk", flat=True):
                try:
                    change(pk, action)
                    done += 1
                except ApplicationError as error:
                    modeladmin.message_user(request, str(error.message or error), level=messages.ERROR)
            if done:
                modeladmin.message_user(request, gettext("%(count)d changed.") % {"count": done})

        run.__name__ = f"action_{action}"
        run.short_description = label
        run.allowed_permissions = ("change",)
        return run

    return [
        make("publish", _("Publish")),
        make("pause", _("Pause")),
        make("resume", _("Resume")),
        make("end", _("End now")),
        make("invalidate", _("Invalidate")),
    ]


# --- rules -----------------------------------------------------------------------------------------------------

TIER_HELP = _(
    "One tier per line, amounts in yuan. Spend and save: “299 30” (spend ¥299, ¥30 off); percent off: “299 20” "
    "(20 percent off); gift: “299 101,102” (gift SKU ids, the first in stock is given); N items for a price: “3 99” "
    "(3 items for ¥99); n-th item: “2 50” (the 2nd item 50 percent off)."
)


def tiers_from_text(kind: str, text: str) -> list[dict]:
    tiers = []
    for number, raw in enumerate(line for line in text.splitlines() if line.strip()):
        parts = raw.replace("，", ",").split()
        if len(parts) != 2:
            raise forms.ValidationError(gettext("Line %(n)d: give two values.") % {"n": number + 1})
        first, second = parts
        try:
            if kind in QUANTITY_KINDS:
                tier = {"threshold_quantity": int(first)}
                if kind == RuleKind.BUNDLE:
                    tier["bundle_price_amount"] = parse_yuan(second)
                else:
                    tier["percent_off"] = int(second)
            else:
                tier = {"threshold_amount": parse_yuan(first)}
                if kind == RuleKind.THRESHOLD_REDUCE:
                    tier["reduce_amount"] = parse_yuan(second)
                elif kind == RuleKind.THRESHOLD_PERCENT:
                    tier["percent_off"] = int(second)
                else:
                    tier["gift_sku_ids"] = parse_ids(second)
        except (ValueError, forms.ValidationError):
            raise forms.ValidationError(gettext("Line %(n)d is not valid.") % {"n": number + 1}) from None
        tiers.append(tier)
    return tiers


def tiers_to_text(kind: str, tiers: list[dict]) -> str:
    rows = []
    for tier in tiers or []:
        if kind in QUANTITY_KINDS:
            second = to_yuan_text(tier["bundle_price_amount"]) if kind == RuleKind.BUNDLE else str(tier["percent_off"])
            rows.append(f"{tier['threshold_quantity']} {second}")
        else:
            if kind == RuleKind.THRESHOLD_REDUCE:
                second = to_yuan_text(tier["reduce_amount"])
            elif kind == RuleKind.THRESHOLD_PERCENT:
                second = str(tier["percent_off"])
            else:
                second = ",".join(str(i) for i in tier["gift_sku_ids"])
            rows.append(f"{to_yuan_text(tier['threshold_amount'])} {second}")
    return "\n".join(rows)


class RuleForm(forms.ModelForm):
    tiers_text = forms.CharField(label=_("tiers"), widget=forms.Textarea(attrs={"rows": 4}), help_text=TIER_HELP)
    cap = YuanField(label=_("cap (yuan)"), required=False)
    products = forms.CharField(label=_("only these products (ids)"), required=False)
    categories = forms.CharField(label=_("only these categories (ids)"), required=False)
    exclude_products = forms.CharField(label=_("except these products (ids)"), required=False)

    class Meta:
        model = PromotionRule
        fields = ["title", "kind", "repeat", "starts_at", "ends_at", "group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.instance
        if rule.pk:
            self.fields["kind"].disabled = True
            self.initial.update(
                tiers_text=tiers_to_text(rule.kind, rule.tiers),
                cap=rule.cap_amount,
                products=ids_text(rule.scope.get("products")),
                categories=ids_text(rule.scope.get("categories")),
                exclude_products=ids_text(rule.scope.get("exclude_products")),
            )

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        try:
            data["tiers"] = tiers_from_text(kind, data.get("tiers_text") or "") if kind else []
        except forms.ValidationError as error:
            self.add_error("tiers_text", error)
        for key in ("products", "categories", "exclude_products"):
            try:
                data[f"{key}_ids"] = parse_ids(data.get(key) or "")
            except forms.ValidationError as error:
                self.add_error(key, error)
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["title"],
            "kind": data.get("kind") or self.instance.kind,
            "tiers": data["tiers"],
            "repeat": data["repeat"],
            "cap_amount": data.get("cap"),
            "starts_at": data.get("starts_at"),
            "ends_at": data.get("ends_at"),
            "scope": {key: data[f"{key}_ids"] for key in ("products", "categories", "exclude_products")},
            "group_id": data["group"].pk if data.get("group") else None,
        }


@admin.register(PromotionRule, site=shop_admin_site)
class PromotionRuleAdmin(MarketingAdmin):
    form = RuleForm
    backoffice_order = 20
    list_display = ["title", "kind", "labels", "group", "current_status", "starts_at", "ends_at", "uses"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    service_error_fields = {"name": "title", "tiers": "tiers_text", "cap_amount": "cap", "group_id": "group",
                            "scope": "products"}  # fmt: skip
    fieldsets = [
        (None, {"fields": ["title", "kind", "tiers_text", "repeat", "cap", "group"]}),
        (_("When"), {"fields": ["starts_at", "ends_at"]}),
        (_("Which products (empty: all)"), {"fields": ["products", "categories", "exclude_products"]}),
    ]

    def get_actions(self, request):
        found = super().get_actions(request)
        if request_can(request, Permission.MARKETING_MANAGE):
            for run in status_actions(lambda pk, action: services.change_rule_status(rule_id=pk, action=action)):
                found[run.__name__] = (run, run.__name__, run.short_description)
        return found

    @admin.display(description=_("tiers"))
    def labels(self, rule):
        return " / ".join(rule_labels(as_promotion(rule_row(rule), {})))

    @admin.display(description=_("status"))
    def current_status(self, rule):
        from tenant_apps.marketing.interface import ActivityStatus

        return ActivityStatus(selectors.status_of(rule)).label

    @admin.display(description=_("orders / amount off"))
    def uses(self, rule):
        totals = selectors.use_totals([rule.code]).get(rule.code, {"orders": 0, "amount": 0})
        return f"{totals['orders']} / {format_money(totals['amount'])}"

    def save_model(self, request, obj, form, change):
        data = form.service_data()
        saved = services.update_rule(rule_id=obj.pk, **data) if change else services.create_rule(**data)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_rule(rule_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.delete_rule(rule_id=pk)


def rule_row(rule) -> dict:
    return {"id": rule.pk, "title": rule.title, "kind": rule.kind, "tiers": rule.tiers, "repeat": rule.repeat,
            "cap_amount": rule.cap_amount, "scope": rule.scope, "group_id": rule.group_id}  # fmt: skip


# --- groups ----------------------------------------------------------------------------------------------------


@admin.register(RuleGroup, site=shop_admin_site)
class RuleGroupAdmin(MarketingAdmin):
    backoffice_order = 21
    fields = ["name", "excludes"]
    list_display = ["name", "excluded"]
    filter_horizontal = ["excludes"]

    @admin.display(description=_("never combined with"))
    def excluded(self, group):
        return ", ".join(other.name for other in group.excludes.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("excludes")

    def save_model(self, request, obj, form, change):
        excludes = [group.pk for group in form.cleaned_data.get("excludes") or []]
        if change:
            services.update_group(group_id=obj.pk, name=form.cleaned_data["name"], excludes=excludes)
        else:
            obj.pk = services.create_group(name=form.cleaned_data["name"], excludes=excludes).pk

    def save_related(self, request, form, formsets, change):
        """The exclusions were saved by the service with the group."""

    def delete_model(self, request, obj):
        services.delete_group(group_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.delete_group(group_id=pk)


# --- limited-time discounts ------------------------------------------------------------------------------------


class DiscountForm(forms.ModelForm):
    items_text = forms.CharField(
        label=_("SKUs and prices"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One SKU per line: “SKU id, discount price in yuan”, e.g. “101 99.00”."),
    )

    class Meta:
        model = LimitedDiscount
        fields = ["title", "starts_at", "ends_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["items_text"] = "\n".join(
                f"{item.sku_id} {to_yuan_text(item.price_amount)}" for item in self.instance.items.all()
            )

    def clean_items_text(self):
        items = []
        for number, raw in enumerate(line for line in self.cleaned_data["items_text"].splitlines() if line.strip()):
            parts = raw.replace(",", " ").replace("，", " ").split()
            try:
                sku_id, price = int(parts[0]), parse_yuan(parts[1])
                if len(parts) != 2:
                    raise ValueError(raw)
            except (ValueError, IndexError):
                raise forms.ValidationError(gettext("Line %(n)d is not valid.") % {"n": number + 1}) from None
            items.append({"sku_id": sku_id, "price_amount": price})
        return items


@admin.register(LimitedDiscount, site=shop_admin_site)
class LimitedDiscountAdmin(MarketingAdmin):
    form = DiscountForm
    backoffice_order = 10
    list_display = ["title", "sku_count", "current_status", "starts_at", "ends_at", "uses"]
    list_filter = ["status"]
    search_fields = ["title"]
    fields = ["title", "starts_at", "ends_at", "items_text"]
    service_error_fields = {"items": "items_text"}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    def get_actions(self, request):
        found = super().get_actions(request)
        if request_can(request, Permission.MARKETING_MANAGE):
            for run in status_actions(
                lambda pk, action: services.change_limited_discount_status(discount_id=pk, action=action)
            ):
                found[run.__name__] = (run, run.__name__, run.short_description)
        return found

    @admin.display(description=_("SKUs"))
    def sku_count(self, discount):
        return len(discount.items.all())

    @admin.display(description=_("status"))
    def current_status(self, discount):
        from tenant_apps.marketing.interface import ActivityStatus

        return ActivityStatus(selectors.status_of(discount)).label

    @admin.display(description=_("orders / amount off"))
    def uses(self, discount):
        totals = selectors.use_totals([discount.code]).get(discount.code, {"orders": 0, "amount": 0})
        return f"{totals['orders']} / {format_money(totals['amount'])}"

    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data.get(key) for key in ("title", "starts_at", "ends_at")}
        items = form.cleaned_data["items_text"]
        if change:
            services.update_limited_discount(discount_id=obj.pk, items=items, **data)
        else:
            obj.pk = services.create_limited_discount(items=items, **data).pk

    def delete_model(self, request, obj):
        services.delete_limited_discount(discount_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.delete_limited_discount(discount_id=pk)


# --- member prices ---------------------------------------------------------------------------------------------


class MemberPriceForm(forms.ModelForm):
    price = YuanField(label=_("member price (yuan)"))

    class Meta:
        model = MemberPrice
        fields = ["sku_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["sku_id"].disabled = True
            self.initial["price"] = self.instance.price_amount


@admin.register(MemberPrice, site=shop_admin_site)
class MemberPriceAdmin(MarketingAdmin):
    form = MemberPriceForm
    backoffice_order = 30
    list_display = ["sku_id", "product_id", "price", "updated"]
    search_fields = ["=sku_id", "=product_id"]
    service_error_fields = {"items.0.sku_id": "sku_id", "items.0.price_amount": "price"}

    @admin.display(description=_("member price"))
    def price(self, row):
        return format_money(row.price_amount)

    def save_model(self, request, obj, form, change):
        sku_id = obj.sku_id
        saved = services.set_member_prices(items=[{"sku_id": sku_id, "price_amount": form.cleaned_data["price"]}])
        obj.pk = saved[0].pk

    def delete_model(self, request, obj):
        services.delete_member_price(sku_id=obj.sku_id)

    def delete_queryset(self, request, queryset):
        for sku_id in queryset.values_list("sku_id", flat=True):
            services.delete_member_price(sku_id=sku_id)


# --- uses (read-only) ------------------------------------------------------------------------------------------


@admin.register(PromotionUse, site=shop_admin_site)
class PromotionUseAdmin(ShopModelAdmin):
    backoffice_group = "marketing"
    backoffice_order = 40
    list_display = ["order_id", "code", "name", "off", "refunded_off", "voided", "created"]
    list_filter = ["voided"]
    search_fields = ["=order_id", "code"]
    readonly_fields = [
        "order_id", "member_id", "code", "name", "amount", "refunded_amount", "snapshot", "voided", "created",
    ]  # fmt: skip

    @admin.display(description=_("amount off"))
    def off(self, use):
        return format_money(use.amount)

    @admin.display(description=_("refunded discount"))
    def refunded_off(self, use):
        return format_money(use.refunded_amount) if use.refunded_amount else "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- simulate a cart -------------------------------------------------------------------------------------------


class SimulateForm(forms.Form):
    items = forms.CharField(
        label=_("SKUs and quantities"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One SKU per line: “SKU id, quantity”, e.g. “101 2”."),
    )
    member_id = forms.IntegerField(label=_("member id (optional: member prices)"), required=False, min_value=1)

    def clean_items(self):
        items = []
        for number, raw in enumerate(line for line in self.cleaned_data["items"].splitlines() if line.strip()):
            parts = raw.replace(",", " ").replace("，", " ").split()
            if len(parts) != 2 or not all(part.isdigit() for part in parts):
                raise forms.ValidationError(gettext("Line %(n)d is not valid.") % {"n": number + 1})
            items.append((int(parts[0]), int(parts[1])))
        if not items:
            raise forms.ValidationError(gettext("Add at least one SKU."))
        return items


SOURCE_LABELS = {
    "list": _("list price"),
    "activity": _("activity price"),
    "limited_discount": _("limited-time discount"),
    "member_price": _("member price"),
}
KIND_LABELS = {
    "quantity": _("quantity promotion"),
    "threshold": _("threshold promotion"),
    "gift": _("gift"),
    "coupon": _("coupon"),
    "points": _("points"),
}


@admin.register(CartSimulation, site=shop_admin_site)
class CartSimulationAdmin(ShopModelAdmin):
    """What a cart would pay now and why: every rule applied with its per-line allocation (the same quote as
    checkout, stock not required, no address so no province surcharge)."""

    backoffice_group = "marketing"
    backoffice_order = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SimulateForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                priced = selectors.simulate(items=form.cleaned_data["items"], member_id=form.cleaned_data["member_id"])
            except Invalid as error:
                add_errors(form, error, {"member_id": "member_id"})
                if not form.errors:
                    form.add_error(None, str(error))
            except ApplicationError as error:
                form.add_error(None, error.message or str(error))
            else:
                result = simulation_rows(priced)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Simulate a cart"),
            "form": form,
            "result": result,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "promotions/admin/simulate.html", context)


def simulation_rows(priced) -> dict:
    titles = {sku_id: sku.title for sku_id, sku in priced.skus.items()}
    return {
        "lines": [
            {
                "title": titles.get(line.sku_id, line.sku_id),
                "sku_id": line.sku_id,
                "quantity": line.quantity,
                "list": format_money(line.list_price_amount),
                "unit": format_money(line.unit_price_amount),
                "source": SOURCE_LABELS.get(line.price_source, line.price_source),
                "subtotal": format_money(line.subtotal_amount),
                "discount": format_money(line.discount_amount),
                "total": format_money(line.total_amount),
            }
            for line in priced.lines
        ],
        "applied": [
            {
                "kind": KIND_LABELS.get(applied.kind, applied.kind),
                "name": applied.name,
                "code": applied.code,
                "amount": format_money(applied.amount),
                "lines": [
                    {"title": titles.get(al.sku_id, al.sku_id), "amount": format_money(al.amount)}
                    for al in applied.lines
                ],
            }
            for applied in priced.applied
        ],
        "gifts": [{"sku_id": g.sku_id, "quantity": g.quantity, "code": g.code} for g in priced.gifts],
        "subtotal": format_money(priced.subtotal_amount),
        "discount": format_money(priced.discount_amount),
        "shipping": format_money(priced.shipping_amount),
        "total": format_money(priced.total_amount),
    }
