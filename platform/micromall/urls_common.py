"""URL patterns served on every host: health, OpenAPI schema and offline Swagger UI."""

from importlib import import_module

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import URLResolver, path
from django.urls.resolvers import RoutePattern
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


class RememberingResolver(URLResolver):
    """An include() that remembers what each path resolved to. Django tries a prefix's patterns one by one on
    every request: for an order, some 40 API patterns and the ResolverMatch objects around them cost about 6% of
    the web worker's CPU. A path that resolved once resolves the same way until the process ends (the URL
    patterns are fixed at import), so its match is kept; a path that matched nothing is not (it raises again).
    At most MAX paths are kept (paths with ids in them are unbounded): when full, the memory starts over."""

    MAX = 2048

    def __init__(self, route: str, patterns: list):
        super().__init__(RoutePattern(route, is_endpoint=False), patterns)
        self._matches: dict[str, object] = {}

    def resolve(self, path):
        path = str(path)
        match = self._matches.get(path)
        if match is None:
            match = super().resolve(path)
            if len(self._matches) >= self.MAX:
                self._matches.clear()
            self._matches[path] = match
        return match


def not_found(request, exception=None):
    return error_response(request, 404, "not_found")


def server_error(request):
    """A failure of ours: JSON under /api/, the bilingual page elsewhere; never a traceback."""
    return error_response(request, 500, "server_error")
