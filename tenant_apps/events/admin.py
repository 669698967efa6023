"""Back office: the shop's outbox, read-only, with failures visible and a retry action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from micromall.backoffice import ReadOnlyMixin
from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site

from . import services
from .models import OutboxEvent


@admin.register(OutboxEvent, site=shop_admin_site)
class OutboxEventAdmin(ReadOnlyMixin, ShopModelAdmin):
    list_display = ["name", "status", "attempts", "created", "delivered_at", "next_attempt_at"]
    list_filter = ["status", "name"]
    readonly_fields = [
        "id",
        "name",
        "payload",
        "status",
        "attempts",
        "created",
        "delivered_at",
        "next_attempt_at",
        "last_error",
    ]
    actions = ["retry"]

    @admin.action(description=_("Retry delivery"))
    def retry(self, request, queryset):
        count = services.retry_events(event_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d event will be retried.", "%(count)d events will be retried.", count) % {"count": count},
            messages.SUCCESS,
        )
