from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "shared_apps.tenancy"
    label = "tenancy"
    verbose_name = "店铺与域名 Shops and domains"
