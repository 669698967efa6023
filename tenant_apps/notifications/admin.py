"""Back office: the e-mails sent for order events (read-only), in the orders group."""

from django.contrib import admin

from micromall.backoffice import ReadOnlyMixin
from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site

from .models import SentNotice


@admin.register(SentNotice, site=shop_admin_site)
class SentNoticeAdmin(ReadOnlyMixin, ShopModelAdmin):
    backoffice_group = "orders"
    list_display = ["created", "kind", "audience", "recipient", "order_number", "subject"]
    list_filter = ["kind", "audience"]
    search_fields = ["=order_number", "recipient"]
    readonly_fields = ["event_id", "kind", "audience", "recipient", "subject", "order_number", "created"]
