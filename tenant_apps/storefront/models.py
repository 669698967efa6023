"""Storefront models (shop schema): the shop's theme choice and settings."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ThemeSettings(models.Model):
    """The shop's theme and its settings; a single row (id=1). No row = Shop.template's theme, defaults.

    `settings` holds only what the merchant changed; pages merge it over the manifest defaults, so a
    theme update that adds a setting shows its default. `version` is the theme version they were saved for.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    theme = models.CharField(_("theme"), max_length=40)
    version = models.CharField(_("version"), max_length=20, blank=True)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("theme settings")
        verbose_name_plural = _("Shop decoration")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="theme_settings_singleton")]

    def __str__(self) -> str:
        return f"{self.theme} {self.version}"


class CatalogVersion(models.Model):
    """Counters bumped by database triggers on every catalog change that a shopper can see.

    The sum of all shards is the shop's catalog version: caches of storefront lists are keyed by it,
    so a change invalidates them the moment it commits. Several shards (chosen by backend pid) keep
    concurrent checkouts from queueing on one row; the counters are transactional, so a version is
    never visible before the data it stands for.
    """

    shard = models.PositiveSmallIntegerField(_("shard"), primary_key=True)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("catalog version")

    def __str__(self) -> str:
        return f"{self.shard}: {self.value}"
