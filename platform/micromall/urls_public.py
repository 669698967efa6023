"""URL root of the platform host (ROOT_DOMAIN): signup, gallery, accounts, operator admin."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from shared_apps.accounts.api.views import TokenView

from .urls_common import RememberingResolver, common_patterns, flat, not_found, server_error

urlpatterns = [
    *common_patterns("micromall.urls_public"),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token", TokenView.as_view(), name="auth-token"),
    RememberingResolver(
        "api/v1/",
        flat(
            "shared_apps.tenancy.api.urls",
            "shared_apps.gallery.api.urls",
            "shared_apps.payments_inbox.api.urls",
            "billing.api.urls",
            "shared_apps.agencies.api.urls",
            "shared_apps.insights.api.urls",
        ),
    ),
    path("", include("shared_apps.gallery.urls")),
]

# Last: an unknown API path answers JSON even with DEBUG on (and a %0A in the path cannot dodge it).
urlpatterns.append(re_path(r"^api/", csrf_exempt(not_found)))

handler404 = not_found
handler500 = server_error
