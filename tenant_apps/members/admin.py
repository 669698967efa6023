from django.contrib import admin

from micromall.admin_forms import ServiceErrorsAdmin
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site

from . import services
from .models import Member


@admin.register(Member, site=shop_admin_site)
class MemberAdmin(ServiceErrorsAdmin, ShopModelAdmin):
    """Shoppers sign up themselves; the back office edits their contact details or blocks them (is_active)."""

    list_display = ["id", "email", "phone", "nickname", "is_active", "created"]
    search_fields = ["email", "phone", "nickname"]
    fields = list(services.MEMBER_FIELDS)
    manage_permission = Permission.MEMBERS_MANAGE

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # block sign-in instead: orders and commissions keep pointing at the member

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in services.MEMBER_FIELDS}
        services.update_member(member=obj, changes=changes)
