"""Writers for shop members."""

import hashlib
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from micromall.errors import Invalid

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
        raise Invalid(errors={field: [_("Already registered.")]}) from None
    # Explicit, in this transaction: a bad share code refuses the registration (400 errors.ref, nobody created).
    # Imported here: distribution's models are built on members' interface (Member), which loads this module.
    from tenant_apps.distribution.interface import bind_registered_member

    bind_registered_member(member=member, ref=ref or "")
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


MEMBER_FIELDS = ("email", "phone", "nickname", "is_active")


@transaction.atomic
def update_member(*, member: Member, changes: dict) -> Member:
    """The back office's edit of a shopper: contact, nickname, or blocking sign-in (`is_active`)."""
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise Invalid(errors={field: [_("This field cannot be changed.")] for field in sorted(unknown)})
    if not (changes.get("email", member.email) or changes.get("phone", member.phone)):
        raise Invalid(errors={"email": [_("Email or phone is required.")]})
    for field, value in changes.items():
        setattr(member, field, (value or None) if field in ("email", "phone") else value)
    try:
        with transaction.atomic():
            member.save(update_fields=[*changes])
    except IntegrityError:
        raise Invalid(errors={"email" if "email" in changes else "phone": [_("Already registered.")]}) from None
    if changes.get("is_active") is False:
        MemberToken.objects.filter(member=member).delete()  # a blocked shopper is signed out everywhere
    return member
