"""OpenAPI: member tokens are `Authorization: Bearer mms_…`, valid only on their own shop's host."""

from micromall.api.auth import register_bearer_scheme

register_bearer_scheme(
    target_class="tenant_apps.members.authentication.MemberTokenAuthentication",
    name="memberToken",
    description="A shop member's token from `POST /api/v1/store/auth/token` (starts with `mms_`).",
)
