from django.contrib import admin

from shared_apps.tenancy.interface import ShopModelAdmin, shop_admin_site

from .models import Member


@admin.register(Member, site=shop_admin_site)
class MemberAdmin(ShopModelAdmin):
    list_display = ["id", "email", "phone", "nickname", "is_active", "created"]
    search_fields = ["email", "phone", "nickname"]
    exclude = ["password"]
