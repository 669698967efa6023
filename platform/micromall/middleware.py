"""Cheap request limits checked before routing: oversized bodies and headers get a clean 4xx."""

from django.conf import settings

from .responses import error_response


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
        return self.get_response(request)
