"""Shoppers. They live in their shop's schema: a member of shop A does not exist in shop B."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Member(models.Model):
    email = models.EmailField(_("email"), null=True, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, null=True, blank=True)
    password = models.CharField(_("password"), max_length=128)
    nickname = models.CharField(_("nickname"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["email"], name="uniq_member_email"),
            models.UniqueConstraint(fields=["phone"], name="uniq_member_phone"),
            models.CheckConstraint(condition=Q(email__isnull=False) | Q(phone__isnull=False), name="member_has_login"),
        ]

    def __str__(self) -> str:
        return self.email or self.phone or f"member {self.pk}"

    @property
    def is_authenticated(self) -> bool:
        return True


class MemberToken(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("member"))
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("member token")
        verbose_name_plural = _("member tokens")

    def __str__(self) -> str:
        return f"token of member {self.member_id}"
