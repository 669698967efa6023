"""Reads of platform accounts."""

from django.utils import timezone

from .models import AccessToken, User
from .services import token_digest


def user_for_token(raw: str) -> User | None:
    token = AccessToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    if token.expires is not None and token.expires <= timezone.now():
        return None
    return token.user
