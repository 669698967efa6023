"""Back office: shoppers' carts, read-only (what is waiting to be bought). Carts change only through the store API."""

from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site

from .models import Cart, CartLine


class CartLineInline(admin.TabularInline):
    model = CartLine
    fields = ["sku", "quantity", "selected", "created"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cart, site=shop_admin_site)
class CartAdmin(ShopModelAdmin):
    list_display = ["id", "owner", "line_count", "item_count", "updated"]
    list_select_related = ["member"]
    fields = ["member", "created", "updated"]
    readonly_fields = fields
    inlines = [CartLineInline]
    ordering = ["-updated"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_total=Count("lines"), item_total=Sum("lines__quantity"))

    @admin.display(description=_("shopper"))
    def owner(self, obj: Cart) -> str:
        return str(obj.member) if obj.member_id else _("guest")

    @admin.display(description=_("lines"), ordering="line_total")
    def line_count(self, obj: Cart) -> int:
        return obj.line_total

    @admin.display(description=_("items"), ordering="item_total")
    def item_count(self, obj: Cart) -> int:
        return obj.item_total or 0

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
