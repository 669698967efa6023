from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "shared_apps.tenancy"
    label = "tenancy"
    verbose_name = "Shops and domains"
