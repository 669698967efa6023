"""OpenAPI: platform tokens are `Authorization: Bearer mmp_…`."""

from micromall.api.auth import register_bearer_scheme

register_bearer_scheme(
    target_class="shared_apps.accounts.authentication.PlatformTokenAuthentication",
    name="platformToken",
    description="A platform account's token from `POST /api/v1/auth/token` (starts with `mmp_`).",
)
