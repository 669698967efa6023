"""Operator screens on the platform host: the template gallery."""

from django.contrib import admin, messages

from .models import Template
from .services import ensure_demo_shops, sync_templates, update_template


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "industry", "version", "is_active", "position", "updated"]
    list_editable = ["is_active", "position"]
    readonly_fields = ["slug", "name", "industry", "description", "version", "preview", "settings_schema", "updated"]
    exclude = ["settings_defaults"]
    actions = ["sync_from_disk", "create_demo_shops"]

    def has_add_permission(self, request) -> bool:
        return False  # templates come from themes/ (sync_templates)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # shops launched from it keep its slug: deactivate it instead

    def save_model(self, request, obj, form, change):
        update_template(template=obj, is_active=form.cleaned_data["is_active"], position=form.cleaned_data["position"])

    @admin.action(description="从 themes/ 同步 Sync from themes/")
    def sync_from_disk(self, request, queryset):
        result = sync_templates()
        self.message_user(request, ", ".join(f"{k}: {len(v)}" for k, v in result.items()), messages.SUCCESS)

    @admin.action(description="创建演示店铺 Create the live demo shops")
    def create_demo_shops(self, request, queryset):
        created = ensure_demo_shops()
        self.message_user(request, f"created: {', '.join(created) or '-'}", messages.SUCCESS)
