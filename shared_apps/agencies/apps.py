from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "shared_apps.agencies"
    label = "agencies"
    verbose_name = "代理商 Agencies"
