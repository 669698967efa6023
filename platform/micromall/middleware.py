"""Cheap request limits checked before routing (oversized bodies and headers, NUL characters get a clean 4xx), the
back-office sign-in throttle, and Django's messages made lazily."""

from django.conf import settings
from django.contrib.messages import middleware as messages_middleware
from django.contrib.messages.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

from .json_limits import nul_message
from .responses import error_response, wants_json
from .signin_throttle import signin_wait


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.max_body = settings.MAX_UPLOAD_BYTES
        self.max_headers = settings.MAX_HEADER_BYTES

    def __call__(self, request):
        meta = request.META
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return error_response(request, 400, "bad_request")
        if length > self.max_body:
            return error_response(request, 413, "too_large")
        header_bytes = sum(len(k) + len(v) for k, v in meta.items() if k.startswith("HTTP_") and isinstance(v, str))
        if header_bytes > self.max_headers:
            return error_response(request, 431, "headers_too_large")
        query = meta.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return nul_in_query(request)
        return self.get_response(request)


def nul_in_query(request):
    """PostgreSQL text holds no NUL: a query parameter with one can match nothing and must not reach a query."""
    if not wants_json(request):
        return error_response(request, 400, "bad_request")
    fields = sorted({name for name, values in request.GET.lists() if "\x00" in name + "".join(values)})
    # Runs before LocaleMiddleware: pick the client's language here.
    with translation.override(translation.get_language_from_request(request)):
        message = [nul_message()]
    errors = {name.replace("\x00", "") or "query": message for name in fields} or {"query": message}
    return JsonResponse({"errors": errors}, status=400)


class BackOfficeSigninThrottleMiddleware:
    """Sign-in attempts on the back-office form (`/admin/login/` on every host) are rate limited per client and
    per account (micromall/signin_throttle.py); needs request.user, so it runs after AuthenticationMiddleware."""

    path = "/admin/login/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info == self.path:
            wait = signin_wait(request, request.POST.get("username", ""))
            if wait is not None:
                html = render_to_string("errors/too_many_signins.html", {"wait": wait, "login_url": self.path})
                response = HttpResponse(html, status=429)
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)


class MessageMiddleware(messages_middleware.MessageMiddleware):
    """Django's messages with the storage made on first use. The stock middleware builds a fallback storage (a
    cookie and a session storage) for every request, about 2% of an order's CPU in the web worker, though only
    the admin and back-office pages ever add or show a message; an API call never touches it."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        stored = request.__dict__.get("_messages")
        if isinstance(stored, SimpleLazyObject) and stored._wrapped is empty:
            return response  # never used: nothing to store
        return super().process_response(request, response)
