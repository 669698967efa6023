from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class BackOfficeConfig(AppConfig):
    """The back-office frame's templates and static files (dashboard, money widget, styles)."""

    name = "micromall.backoffice"
    label = "backoffice"


class BackOfficeAdminConfig(AdminConfig):
    """Django's admin with the platform host's operator site in the same frame as the shop back office."""

    default_site = "micromall.backoffice.sites.OperatorAdminSite"
