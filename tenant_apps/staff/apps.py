from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "tenant_apps.staff"
    label = "staff"
    verbose_name = "员工 Staff"
