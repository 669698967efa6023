"""Storefront models (shop schema): the shop's theme choice and settings."""

from django.db import models
from django.db.models import Q


class ThemeSettings(models.Model):
    """The shop's theme and its settings; a single row (id=1). No row = Shop.template's theme, defaults.

    `settings` holds only what the merchant changed; pages merge it over the manifest defaults, so a
    theme update that adds a setting shows its default. `version` is the theme version they were saved for.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    theme = models.CharField(max_length=40)
    version = models.CharField(max_length=20, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "theme settings / 店铺装修"
        verbose_name_plural = "theme settings / 店铺装修"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="theme_settings_singleton")]

    def __str__(self) -> str:
        return f"{self.theme} {self.version}"
