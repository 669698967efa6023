"""Agencies run many client shops from one login (members and hand-over come with the agency issue)."""

from django.db import models


class Agency(models.Model):
    name = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name
