"""Parsing `Authorization: Bearer <token>`, shared by platform and member authentication."""

from rest_framework import authentication, exceptions


def bearer_token(request) -> str | None:
    header = authentication.get_authorization_header(request).decode("latin-1", "replace")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    if not value or " " in value or len(value) > 200:
        raise exceptions.AuthenticationFailed("Malformed bearer token.")
    return value
