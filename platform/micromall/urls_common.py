"""URL patterns served on every host: health, OpenAPI schema and offline Swagger UI."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import healthz
from .responses import error_response


def common_patterns(urlconf: str) -> list:
    return [
        path("healthz", healthz, name="healthz"),
        path("api/schema", SpectacularAPIView.as_view(urlconf=urlconf), name="schema"),
        path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    ]


def not_found(request, exception=None):
    return error_response(request, 404, "not_found")
