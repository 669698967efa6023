from django.contrib import admin

from micromall.admin_forms import ServiceErrorsAdmin

from .models import Agency
from .services import create_agency, rename_agency


@admin.register(Agency)
class AgencyAdmin(ServiceErrorsAdmin, admin.ModelAdmin):
    list_display = ["id", "name", "created"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # client shops point at their agency

    def save_model(self, request, obj, form, change):
        name = form.cleaned_data["name"]
        obj.pk = (rename_agency(agency=obj, name=name) if change else create_agency(name=name)).pk
