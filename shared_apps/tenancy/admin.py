"""Operator screens on the platform host: shops, hosts and memberships."""

from django.contrib import admin, messages

from .models import Domain, Shop, ShopMembership, ShopStatus
from .services import set_status

# The operator admin is the platform's own back office: say so instead of "Django administration".
admin.site.site_header = "Micromall 平台后台 · Operator admin"
admin.site.site_title = "Micromall 平台后台"
admin.site.index_title = "平台管理 · Platform"


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class MembershipInline(admin.TabularInline):
    model = ShopMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "subdomain", "status", "owner", "agency", "template", "created"]
    list_filter = ["status", "template"]
    search_fields = ["name", "subdomain", "owner__email"]
    readonly_fields = ["schema_name", "created"]
    inlines = [DomainInline, MembershipInline]
    actions = ["suspend", "resume"]

    @admin.action(description="暂停营业 Suspend")
    def suspend(self, request, queryset):
        for shop in queryset:
            set_status(shop=shop, status=ShopStatus.SUSPENDED)
        # Without a message the operator sees the same list and cannot tell the action ran.
        names = ", ".join(shop.subdomain for shop in queryset)
        self.message_user(request, f"已暂停营业：{names}。Suspended: {names}.", messages.SUCCESS)

    @admin.action(description="恢复营业 Resume")
    def resume(self, request, queryset):
        for shop in queryset:
            set_status(shop=shop, status=ShopStatus.ACTIVE)
        names = ", ".join(shop.subdomain for shop in queryset)
        self.message_user(request, f"已恢复营业：{names}。Resumed: {names}.", messages.SUCCESS)


@admin.register(ShopMembership)
class ShopMembershipAdmin(admin.ModelAdmin):
    list_display = ["shop", "user", "role", "created"]
    list_filter = ["role"]
    search_fields = ["shop__subdomain", "user__email"]
    autocomplete_fields = ["user"]


# Launch screens: custom domains (shop back office) and the spare-schema pool (operator admin).
from . import domain_admin, pool_admin  # noqa: E402, F401
