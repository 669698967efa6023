"""Operator screen (platform host) of the spare-schema pool: what waits, and whether it is current."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from micromall.backoffice.sites import GroupedModelAdmin

from . import pool_reports
from .models import SpareSchema
from .provisioning import code_fingerprint, migrate_spares, top_up_pool


@admin.register(SpareSchema)
class SpareSchemaAdmin(GroupedModelAdmin):
    backoffice_group = "settings"
    backoffice_icon = "database"
    list_display = ["schema_name", "is_current", "migration_state", "created"]
    actions = ["top_up", "migrate"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a row without its schema (or the reverse) would break the pool's bookkeeping

    @admin.display(boolean=True, description=_("current"))
    def is_current(self, obj) -> bool:
        return obj.migration_state == code_fingerprint()

    @admin.action(description=_("Top the pool up"))
    def top_up(self, request, queryset):
        self.message_user(request, pool_reports.topped_up(top_up_pool()), messages.SUCCESS)

    @admin.action(description=_("Migrate spare schemas"))
    def migrate(self, request, queryset):
        self.message_user(request, pool_reports.migrated(migrate_spares()), messages.SUCCESS)
