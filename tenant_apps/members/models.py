"""Shoppers. They live in their shop's schema: a member of shop A does not exist in shop B."""

from django.db import models
from django.db.models import Q


class Member(models.Model):
    email = models.EmailField(null=True, blank=True)
    phone = models.CharField(max_length=20, null=True, blank=True)
    password = models.CharField(max_length=128)
    nickname = models.CharField(max_length=50, blank=True)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
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
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token of member {self.member_id}"
