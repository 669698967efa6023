"""Operator screens on the platform host: shops, hosts and memberships."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from micromall.backoffice.sites import GroupedModelAdmin

from .models import Domain, Shop, ShopMembership, ShopStatus
from .services import set_status


class DomainInline(TabularInline):
    model = Domain
    extra = 0


class MembershipInline(TabularInline):
    model = ShopMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(GroupedModelAdmin):
    backoffice_icon = "storefront"
    backoffice_order = 10
    list_display = ["id", "name", "subdomain", "status", "owner", "agency", "template", "created"]
    list_filter = ["status", "template"]
    search_fields = ["name", "subdomain", "owner__email"]
    readonly_fields = ["schema_name", "created"]
    inlines = [DomainInline, MembershipInline]
    actions = ["suspend", "resume"]

    @admin.action(description=_("Suspend"))
    def suspend(self, request, queryset):
        for shop in queryset:
            set_status(shop=shop, status=ShopStatus.SUSPENDED)
        # Without a message the operator sees the same list and cannot tell the action ran.
        names = ", ".join(shop.subdomain for shop in queryset)
        self.message_user(request, gettext("Suspended: %(names)s.") % {"names": names}, messages.SUCCESS)

    @admin.action(description=_("Resume"))
    def resume(self, request, queryset):
        for shop in queryset:
            set_status(shop=shop, status=ShopStatus.ACTIVE)
        names = ", ".join(shop.subdomain for shop in queryset)
        self.message_user(request, gettext("Resumed: %(names)s.") % {"names": names}, messages.SUCCESS)


@admin.register(ShopMembership)
class ShopMembershipAdmin(GroupedModelAdmin):
    backoffice_icon = "badge"
    backoffice_order = 20
    list_display = ["shop", "user", "role", "created"]
    list_filter = ["role"]
    search_fields = ["shop__subdomain", "user__email"]
    autocomplete_fields = ["user"]


# Launch screens: custom domains (shop back office) and the spare-schema pool (operator admin).
# The back office's home page cards (figures of the shop's own apps, read through their interfaces).
from . import (  # noqa: E402, F401
    dashboard,
    domain_admin,
    pool_admin,
)
