from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "shared_apps.agencies"
    label = "agencies"
