"""URL patterns served on every host: health, OpenAPI schema and offline Swagger UI."""

from importlib import import_module

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import healthz
from .responses import error_response


def no_favicon(request):
    """Browsers ask every host for /favicon.ico on every visit; without this a shop host renders its themed 404
    page (with its catalog queries) each time. Nothing to show, cached for a day."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def common_patterns(urlconf: str) -> list:
    return [
        path("healthz", healthz, name="healthz"),
        path("favicon.ico", no_favicon, name="favicon"),
        path("api/schema", SpectacularAPIView.as_view(urlconf=urlconf), name="schema"),
        path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
        # POST /i18n/setlang/ {language, next}: the language switch on every page (cookie django_language).
        # No CSRF token: a cached anonymous storefront page cannot carry one, and a forged post only sets a language.
        path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    ]


def flat(*modules: str) -> list:
    """The urlpatterns of `modules`, in order, as one list. Under a shared prefix (`api/v1/`, or the root for the
    pages), one include per app made Django try each earlier app's patterns in a resolver of its own, raise and
    catch Resolver404 and copy its `tried` list, for every request; one flat list does the same matching in order
    without that. The modules must not declare an `app_name` (their names are not namespaced)."""
    patterns = []
    for module in modules:
        loaded = import_module(module)
        if hasattr(loaded, "app_name"):
            raise ImproperlyConfigured(f"{module} is namespaced: include() it on its own")
        patterns += loaded.urlpatterns
    return patterns


def not_found(request, exception=None):
    return error_response(request, 404, "not_found")


def server_error(request):
    """A failure of ours: JSON under /api/, the bilingual page elsewhere; never a traceback."""
    return error_response(request, 500, "server_error")
