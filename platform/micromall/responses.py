"""Error responses shared by middleware and views: JSON under /api/, else an HTML page; in the request's language."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "bad_request": _("The request is malformed."),
    "bad_host": _("The Host header is missing or malformed."),
    "unknown_host": _("No shop is served at this address."),
    "store_closed": _("This store is closed for now."),
    "too_large": _("The request is too large."),
    "headers_too_large": _("The request headers are too large."),
    "not_found": _("Page not found."),
    "server_error": _("Something went wrong on our side. Please try again later."),
}


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(request, status: int, code: str, **context):
    # Middleware answering before LocaleMiddleware runs: pick the language from the request here.
    with translation.override(translation.get_language_from_request(request)):
        message = str(MESSAGES[code])
        if wants_json(request):
            return JsonResponse({"detail": message, "code": code}, status=status)
        html = render_to_string("errors/page.html", {"status": status, "message": message, "code": code, **context})
    return HttpResponse(html, status=status)
