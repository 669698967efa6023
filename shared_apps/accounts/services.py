"""Writers for platform accounts."""

import hashlib
import secrets

from django.contrib.auth import authenticate
from django.db import transaction

from .models import AccessToken, User

TOKEN_PREFIX = "mmp_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_user(*, email: str, password: str, name: str = "", is_staff: bool = False) -> User:
    return User.objects.create_user(email=email, password=password, name=name, is_staff=is_staff)


def issue_token(*, user: User) -> str:
    """Create a bearer token for `user` and return the raw value (shown once, never stored)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    AccessToken.objects.create(user=user, digest=token_digest(raw))
    return raw


def sign_in(*, email: str, password: str) -> User | None:
    return authenticate(username=email.strip().lower(), password=password)


def revoke_token(*, raw: str) -> None:
    AccessToken.objects.filter(digest=token_digest(raw)).delete()


@transaction.atomic
def revoke_all_tokens(*, user: User) -> int:
    """Delete every bearer token of `user` (after a password reset); returns how many there were."""
    deleted, _ = AccessToken.objects.filter(user=user).delete()
    return deleted
