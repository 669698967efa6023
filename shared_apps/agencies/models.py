"""Agencies run many client shops from one login (members and hand-over come with the agency issue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=100)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name
