"""OpenAPI: member tokens are `Authorization: Bearer mms_…`, valid only on their own shop's host."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class MemberTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenant_apps.members.authentication.MemberTokenAuthentication"
    name = "memberToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A shop member's token from `POST /api/v1/store/auth/token` (starts with `mms_`).",
        }
