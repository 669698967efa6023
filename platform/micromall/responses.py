"""Error responses shared by middleware and views: JSON under /api/, a bilingual HTML page elsewhere."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

MESSAGES = {
    "bad_request": ("请求格式错误。", "The request is malformed."),
    "bad_host": ("请求的主机名无效。", "The Host header is missing or malformed."),
    "unknown_host": ("没有找到这个店铺。", "No shop is served at this address."),
    "store_closed": ("店铺暂停营业。", "This store is closed for now."),
    "too_large": ("请求过大。", "The request is too large."),
    "headers_too_large": ("请求头过大。", "The request headers are too large."),
    "not_found": ("页面不存在。", "Page not found."),
    "server_error": ("服务器出错了，请稍后再试。", "Something went wrong on our side. Please try again later."),
}


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(request, status: int, code: str, **context):
    zh, en = MESSAGES[code]
    if wants_json(request):
        return JsonResponse({"detail": en, "detail_zh": zh, "code": code}, status=status)
    html = render_to_string("errors/page.html", {"status": status, "zh": zh, "en": en, "code": code, **context})
    return HttpResponse(html, status=status)
