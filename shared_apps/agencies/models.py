"""Agencies run many client shops from one login; members reach client shops with the role the agency grants."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyRole(models.TextChoices):
    OWNER = "owner", _("owner")
    ADMIN = "admin", _("admin")
    STAFF = "staff", _("staff")


class Agency(models.Model):
    name = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class AgencyMembership(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships")
    role = models.CharField(max_length=8, choices=AgencyRole.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="uniq_agency_member")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}: {self.role}"
