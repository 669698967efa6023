"""Parsing `Authorization: Bearer <token>`, shared by platform and member authentication."""

from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated


def bearer_token(request) -> str | None:
    """The token of `Authorization: Bearer <token>`, None without one. Read from META (the WSGI server's text,
    decoded as latin-1): DRF's get_authorization_header goes through `request.headers`, which builds a copy of
    every header on each request."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if isinstance(header, bytes):  # a test client may pass bytes
        header = header.decode("latin-1", "replace")
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


def register_bearer_scheme(*, target_class: str, name: str, description: str) -> None:
    """Document a bearer-token authenticator in OpenAPI (Swagger UI's Authorize button uses it)."""
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": description}

    # Subclassing registers the extension with drf-spectacular.
    type(
        f"{name}Scheme",
        (OpenApiAuthenticationExtension,),
        {"target_class": target_class, "name": name, "get_security_definition": get_security_definition},
    )
