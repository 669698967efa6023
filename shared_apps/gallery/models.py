"""Template gallery (public schema): the themes a merchant can launch a shop from."""

from django.db import models


class Template(models.Model):
    """One theme from themes/<slug>/manifest.json, registered by `sync_templates` (version-aware)."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    industry = models.CharField(max_length=50)
    description = models.TextField(blank=True, default="")
    version = models.CharField(max_length=20)
    preview = models.CharField(max_length=200, blank=True, default="")  # path under STATIC_URL
    settings_schema = models.JSONField(default=dict)
    settings_defaults = models.JSONField(default=dict)
    position = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "template / 模板"
        verbose_name_plural = "templates / 模板"

    def __str__(self) -> str:
        return f"{self.name} ({self.slug} {self.version})"
