"""Parsing `Authorization: Bearer <token>`, shared by platform and member authentication."""

from rest_framework import authentication, exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated


def bearer_token(request) -> str | None:
    header = authentication.get_authorization_header(request).decode("latin-1", "replace")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    if not value or " " in value or len(value) > 200:
        raise exceptions.AuthenticationFailed("Malformed bearer token.")
    return value


class TokenEndpointMixin:
    """`POST` signs in with credentials (no token needed: a stale one must not block signing in);
    `DELETE` revokes the bearer token the request carries (sign out). Views set `token_authentication`."""

    token_authentication: type

    def _signing_out(self) -> bool:
        return getattr(self.request, "method", None) == "DELETE"  # no request while the schema is generated

    def get_authenticators(self):
        return [self.token_authentication()] if self._signing_out() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._signing_out() else [AllowAny()]
