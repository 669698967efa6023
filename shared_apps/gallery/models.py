"""Template gallery (public schema): the themes a merchant can launch a shop from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Template(models.Model):
    """One theme from themes/<slug>/manifest.json, registered by `sync_templates` (version-aware)."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    industry = models.CharField(_("industry"), max_length=50)
    description = models.TextField(_("description"), blank=True, default="")
    version = models.CharField(_("version"), max_length=20)
    preview = models.CharField(_("preview image"), max_length=200, blank=True, default="")  # path under STATIC_URL
    settings_schema = models.JSONField(_("settings schema"), default=dict)
    settings_defaults = models.JSONField(_("default settings"), default=dict)
    position = models.IntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("template")
        verbose_name_plural = _("templates")

    def __str__(self) -> str:
        return f"{self.name} ({self.slug} {self.version})"
