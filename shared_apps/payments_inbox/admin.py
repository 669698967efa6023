"""Operator admin (platform host): the shop-payment webhook inbox, read-only."""

from django.contrib import admin

from .models import StripeConnectEvent


@admin.register(StripeConnectEvent)
class StripeConnectEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "account", "shop_schema", "status", "outcome", "attempts", "created"]
    list_filter = ["status", "type"]
    search_fields = ["event_id", "account", "shop_schema"]
    readonly_fields = [f.name for f in StripeConnectEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the inbox is the webhook's idempotency record: never deleted by hand
