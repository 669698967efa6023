from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "shared_apps.insights"
    label = "insights"
    verbose_name = _("Platform data")

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (the platform subscriber of analytics.day_rolled)
