"""Bearer tokens of shop members; valid only on their own shop's host (looked up in its schema)."""

from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from micromall.api.auth import bearer_token

from .models import Member
from .selectors import member_for_token
from .services import TOKEN_PREFIX


class MemberTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = bearer_token(request)
        if raw is None or not raw.startswith(TOKEN_PREFIX):
            return None
        member = member_for_token(raw)
        if member is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token.")
        return member, raw

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="store"'


class IsMember(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, Member)
