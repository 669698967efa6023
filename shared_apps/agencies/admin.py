from django.contrib import admin

from micromall.backoffice.sites import GroupedModelAdmin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(GroupedModelAdmin):
    backoffice_icon = "apartment"
    backoffice_order = 30
    list_display = ["id", "name", "created"]
    search_fields = ["name"]
