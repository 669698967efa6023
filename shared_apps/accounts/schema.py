"""OpenAPI: platform tokens are `Authorization: Bearer mmp_…` (Swagger UI's Authorize button uses it)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PlatformTokenScheme(OpenApiAuthenticationExtension):
    target_class = "shared_apps.accounts.authentication.PlatformTokenAuthentication"
    name = "platformToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A platform account's token from `POST /api/v1/auth/token` (starts with `mmp_`).",
        }
