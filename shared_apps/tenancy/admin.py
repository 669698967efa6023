"""Operator screens on the platform host: shops, hosts and memberships."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from micromall.admin_forms import ServiceErrorsAdmin
from micromall.backoffice import ReadOnlyMixin
from micromall.backoffice.sites import GroupedModelAdmin

from .models import Domain, Shop, ShopMembership, ShopStatus
from .services import add_member, remove_member, rename_shop, set_status


class ReadOnlyInline(ReadOnlyMixin, TabularInline):
    """Shown for reference: hosts change through custom domains, roles on the membership screen (services)."""

    extra = 0


class DomainInline(ReadOnlyInline):
    model = Domain


class MembershipInline(ReadOnlyInline):
    model = ShopMembership


@admin.register(Shop)
class ShopAdmin(ServiceErrorsAdmin, GroupedModelAdmin):
    """Shops are launched by signup/the shops API (provisioning); here the operator renames, suspends, resumes."""

    backoffice_icon = "storefront"
    backoffice_order = 10
    list_display = ["id", "name", "subdomain", "status", "owner", "agency", "template", "created"]
    list_filter = ["status", "template"]
    search_fields = ["name", "subdomain", "owner__email"]
    fields = ["name", "status", "subdomain", "schema_name", "owner", "agency", "template", "currency", "is_demo"]
    readonly_fields = ["subdomain", "schema_name", "owner", "agency", "template", "currency", "is_demo", "created"]
    inlines = [DomainInline, MembershipInline]
    actions = ["suspend", "resume"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a shop's schema holds its orders and money records: suspend it instead

    def save_model(self, request, obj, form, change):
        if "name" in form.changed_data:
            rename_shop(shop=obj, name=form.cleaned_data["name"])
        if "status" in form.changed_data:
            set_status(shop=obj, status=form.cleaned_data["status"])

    def save_related(self, request, form, formsets, change):
        pass  # the inlines are read-only

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
class ShopMembershipAdmin(ServiceErrorsAdmin, GroupedModelAdmin):
    backoffice_icon = "badge"
    backoffice_order = 20
    list_display = ["shop", "user", "role", "created"]
    list_filter = ["role"]
    search_fields = ["shop__subdomain", "user__email"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = add_member(shop=data["shop"], user=data["user"], role=data["role"]).pk

    def delete_model(self, request, obj):
        remove_member(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            remove_member(membership=membership)


# Launch screens: custom domains (shop back office) and the spare-schema pool (operator admin).
# The back office's home page cards (figures of the shop's own apps, read through their interfaces).
from . import (  # noqa: E402, F401
    dashboard,
    domain_admin,
    pool_admin,
)
