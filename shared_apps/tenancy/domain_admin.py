"""Back-office screen (shop hosts) for the shop's custom domains: attach, verify, make primary, detach."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from .admin_site import ShopModelAdmin, shop_admin_site
from .custom_domains import DomainError, attach_domain, detach_domain, make_primary, normalize_domain, verify_domain
from .domain_checks import TXT_PREFIX, TXT_VALUE_PREFIX, WELL_KNOWN_PATH
from .models import CustomDomain, Domain
from .roles import Permission


class AttachForm(forms.ModelForm):
    class Meta:
        model = CustomDomain
        fields = ["domain"]

    def clean_domain(self):
        try:
            domain = normalize_domain(self.cleaned_data["domain"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if Domain.objects.filter(domain=domain).exists():
            raise forms.ValidationError("这个域名已被使用。This domain is already in use.")
        if CustomDomain.objects.filter(shop=self.shop, domain=domain).exists():
            raise forms.ValidationError("这个域名已添加。This domain is already attached to this shop.")
        return domain


@admin.register(CustomDomain, site=shop_admin_site)
class CustomDomainAdmin(ShopModelAdmin):
    list_display = ["domain", "status", "verified_at", "last_check_error"]
    actions = ["verify", "set_primary"]
    form = AttachForm
    manage_permission = delete_permission = Permission.DOMAINS_MANAGE

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.shop = request.shop  # for the per-shop duplicate check
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).filter(shop=request.shop)

    def get_fields(self, request, obj=None):
        return ["domain"] if obj is None else ["domain", "status", "instructions", "verified_at", "last_check_error"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["domain", "status", "instructions", "verified_at", "last_check_error"]

    @admin.display(description="验证方法 How to verify")
    def instructions(self, obj):
        return format_html(
            "HTTP: <code>http://{}{}</code> → <code>{}</code><br>DNS TXT: <code>{}{}</code> → <code>{}{}</code>",
            obj.domain,
            WELL_KNOWN_PATH,
            obj.token,
            TXT_PREFIX,
            obj.domain,
            TXT_VALUE_PREFIX,
            obj.token,
        )

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = attach_domain(shop=request.shop, domain=form.cleaned_data["domain"])
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = created.pk

    def delete_model(self, request, obj):
        detach_domain(custom=obj)

    def delete_queryset(self, request, queryset):
        for custom in queryset:
            detach_domain(custom=custom)

    @admin.action(description="验证所选域名 Verify selected domains")
    def verify(self, request, queryset):
        for custom in queryset:
            try:
                verify_domain(custom=custom)
                self.message_user(request, f"{custom.domain}: 已验证 verified", messages.SUCCESS)
            except DomainError as exc:
                self.message_user(request, f"{custom.domain}: {exc}", messages.ERROR)

    @admin.action(description="设为主域名 Make primary")
    def set_primary(self, request, queryset):
        for custom in queryset[:1]:
            try:
                make_primary(custom=custom)
                self.message_user(request, f"{custom.domain}: 主域名 primary", messages.SUCCESS)
            except DomainError as exc:
                self.message_user(request, f"{custom.domain}: {exc}", messages.ERROR)
