from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "tenant_apps.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI security scheme)
