"""Writers for shop members."""

import hashlib
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from .models import Member, MemberToken
from .signals import member_registered

TOKEN_PREFIX = "mms_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def register_member(*, email: str | None, phone: str | None, password: str, ref: str = "") -> Member:
    try:
        with transaction.atomic():
            member = Member.objects.create(email=email, phone=phone, password=make_password(password))
    except IntegrityError:
        field = "email" if email else "phone"
        raise ValidationError({field: ["已被注册。Already registered."]}) from None
    member_registered.send(sender=Member, member=member, ref=ref or "")
    return member


def issue_member_token(*, member: Member) -> str:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    MemberToken.objects.create(member=member, digest=token_digest(raw))
    return raw


def sign_in_member(*, login: str, password: str) -> Member | None:
    field = "email" if "@" in login else "phone"
    member = Member.objects.filter(**{field: login.strip().lower() if field == "email" else login.strip()}).first()
    if member is None:
        make_password(password)  # same cost whether or not the login exists
        return None
    if not member.is_active or not check_password(password, member.password):
        return None
    return member


def revoke_member_token(*, raw: str) -> None:
    MemberToken.objects.filter(digest=token_digest(raw)).delete()
