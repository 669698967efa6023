"""`Authorization: Bearer <token>` for platform users (merchants, staff, operators)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from micromall.api.auth import bearer_token

from .selectors import user_for_token
from .services import TOKEN_PREFIX


class PlatformTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = bearer_token(request)
        if raw is None or not raw.startswith(TOKEN_PREFIX):
            # Not ours: another authenticator (e.g. a shop member token) may accept it.
            return None
        user = user_for_token(raw)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return user, raw

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
