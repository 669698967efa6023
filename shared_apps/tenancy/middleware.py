"""Host -> shop routing. Replaces django-tenants' TenantMainMiddleware with a cached, cheaper one.

The platform host (ROOT_DOMAIN) is served by ROOT_URLCONF in the public schema; any other host must be
a shop's domain and is served by SHOP_URLCONF in that shop's schema. `SET search_path` is only issued
when the connection's schema actually changes (persistent connections keep it between requests).
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http.request import split_domain_port

from micromall.responses import error_response

from .models import ShopStatus
from .selectors import shop_for_host

ALWAYS_OPEN_PATHS = ("/healthz",)


def request_hostname(request) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    domain, _port = split_domain_port(host)
    if len(domain) > 253:  # longest DNS name
        return None
    return domain.lower().rstrip(".") or None


class ShopRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.root_domain = settings.ROOT_DOMAIN
        self.shop_urlconf = settings.SHOP_URLCONF

    def __call__(self, request):
        hostname = request_hostname(request)
        if hostname is None:
            return error_response(request, 400, "bad_host")
        if hostname == self.root_domain:
            if connection.schema_name != "public":
                connection.set_schema_to_public()
            request.shop = None
            return self.get_response(request)

        shop = shop_for_host(hostname)
        if shop is None or shop.status == ShopStatus.CLOSED:
            return error_response(request, 404, "unknown_host")
        if shop.status != ShopStatus.ACTIVE and request.path not in ALWAYS_OPEN_PATHS:
            return error_response(request, 423, "store_closed", shop=shop)
        if connection.schema_name != shop.schema_name:
            connection.set_tenant(shop)
        shop.domain_url = hostname
        request.shop = request.tenant = shop
        request.urlconf = self.shop_urlconf
        return self.get_response(request)
