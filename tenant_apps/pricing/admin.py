"""Back office: shipping templates (运费模板). Saves go through pricing.services, like the merchant API."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from micromall.errors import Invalid
from shared_apps.tenancy.interface import MembershipRole, ShopModelAdmin, membership_role, shop_admin_site

from . import services
from .models import ShippingTemplate

MANAGERS = {MembershipRole.OWNER, MembershipRole.ADMIN}


def _is_manager(request) -> bool:
    # Same roles as the merchant API: shipping fees are a shop-wide money setting.
    shop = getattr(request, "shop", None)
    return shop is not None and membership_role(user=request.user, shop=shop) in MANAGERS


def yuan(amount: int | None) -> str:
    return "—" if amount is None else f"¥{amount // 100}.{amount % 100:02d}"


class ShippingTemplateForm(forms.ModelForm):
    class Meta:
        model = ShippingTemplate
        fields = list(services.FIELDS)

    def clean(self):
        data = super().clean()
        given = {key: data[key] for key in services.FIELDS if key in data}
        try:
            self.service_fields = services.clean_shipping_fields(given)
        except Invalid as exc:
            for field, messages in exc.errors.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


@admin.register(ShippingTemplate, site=shop_admin_site)
class ShippingTemplateAdmin(ShopModelAdmin):
    form = ShippingTemplateForm
    list_display = ["name", "kind", "fee", "free_over", "is_default"]

    def has_add_permission(self, request) -> bool:
        return _is_manager(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_manager(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_manager(request)

    @admin.display(description=_("fee"))
    def fee(self, obj: ShippingTemplate) -> str:
        if obj.kind == "weight":
            return f"{yuan(obj.first_fee_amount)} / {obj.first_weight_grams} g + {yuan(obj.additional_fee_amount)}"
        return yuan(obj.flat_fee_amount)

    @admin.display(description=_("free shipping from"))
    def free_over(self, obj: ShippingTemplate) -> str:
        return yuan(obj.free_over_amount)

    def save_model(self, request, obj, form, change):
        data = dict(form.service_fields)
        if change:
            saved = services.update_shipping_template(template_id=obj.pk, data=data)
        else:
            saved = services.create_shipping_template(data=data)
        obj.pk, obj.is_default = saved.pk, saved.is_default

    def delete_model(self, request, obj):
        services.delete_shipping_template(template_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for template_id in queryset.values_list("pk", flat=True):
            services.delete_shipping_template(template_id=template_id)
