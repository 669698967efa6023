from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tenant_apps.members"
    label = "members"
    verbose_name = "会员 Members"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI security scheme)
