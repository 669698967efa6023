"""The request path's shortcuts answer exactly what Django and DRF would: the API resolver that remembers its
matches, and the content negotiation that skips parsing for the common Accept headers."""

import pytest
from django.urls import Resolver404, get_resolver, reverse
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from micromall.api.negotiation import ContentNegotiation
from micromall.urls_common import RememberingResolver
from tenant_apps.orders.api import views as order_views


def api_resolver(urlconf: str) -> RememberingResolver:
    (found,) = [p for p in get_resolver(urlconf).url_patterns if isinstance(p, RememberingResolver)]
    return found


@pytest.mark.parametrize("urlconf", ["micromall.urls_shop", "micromall.urls_public"])
def test_the_api_prefix_remembers_its_matches(urlconf):
    assert api_resolver(urlconf).pattern.describe() == "'api/v1/'"


def test_a_remembered_match_is_the_match_django_makes():
    resolver = api_resolver("micromall.urls_shop")
    resolver._matches.clear()

    first = get_resolver("micromall.urls_shop").resolve("/api/v1/store/orders/5")
    second = get_resolver("micromall.urls_shop").resolve("/api/v1/store/orders/5")
    other = get_resolver("micromall.urls_shop").resolve("/api/v1/store/orders/7/pay")

    assert "api/v1/store/orders/5" in resolver._matches
    for match in (first, second):
        assert (match.func.view_class, match.kwargs, match.url_name, match.route) == (
            order_views.StoreOrderDetailView, {"order_id": 5}, "store-order", "api/v1/store/orders/<int:order_id>",
        )  # fmt: skip
    assert (other.func.view_class, other.kwargs) == (order_views.StoreOrderPayView, {"order_id": 7})
    assert (
        reverse("store-order-pay", urlconf="micromall.urls_shop", kwargs={"order_id": 7})
        == "/api/v1/store/orders/7/pay"
    )


def test_a_path_that_matches_nothing_is_not_remembered():
    resolver = api_resolver("micromall.urls_shop")
    resolver._matches.clear()

    for _ in range(2):
        with pytest.raises(Resolver404):
            resolver.resolve("api/v1/store/no-such-thing")

    assert resolver._matches == {}


def test_the_memory_starts_over_when_full(monkeypatch):
    resolver = api_resolver("micromall.urls_shop")
    resolver._matches.clear()
    monkeypatch.setattr(RememberingResolver, "MAX", 3)

    for order_id in range(1, 6):
        get_resolver("micromall.urls_shop").resolve(f"/api/v1/store/orders/{order_id}")

    assert sorted(resolver._matches) == ["api/v1/store/orders/4", "api/v1/store/orders/5"]


RENDERERS = [JSONRenderer(), BrowsableAPIRenderer()]


def negotiated(negotiation, path: str, accept: str | None):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(path, **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, RENDERERS)
    except NotAcceptable:
        return "406"
    except Exception as error:  # the same failure either way (Http404 for an unknown ?format=)
        return type(error).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/api/v1/store/orders", None),
        ("/api/v1/store/orders", "*/*"),
        ("/api/v1/store/orders", "application/json"),
        ("/api/v1/store/orders", "application/json; indent=4"),
        ("/api/v1/store/orders", "text/html"),
        ("/api/v1/store/orders", "text/html, application/json;q=0.9"),
        ("/api/v1/store/orders", "image/png"),
        ("/api/v1/store/orders?format=api", "*/*"),
        ("/api/v1/store/orders?format=json", "text/html"),
        ("/api/v1/store/orders?format=xml", None),
        ("/api/v1/store/orders?page=2", "*/*"),
    ],
)
def test_negotiation_answers_as_drf_does(path, accept):
    assert negotiated(ContentNegotiation(), path, accept) == negotiated(DefaultContentNegotiation(), path, accept)


def message_request(cookie: str = ""):
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/", HTTP_COOKIE=cookie)
    SessionMiddleware(lambda r: None).process_request(request)
    return request


def test_messages_still_travel_from_one_page_to_the_next():
    from django.contrib import messages
    from django.http import HttpResponse

    from micromall.middleware import MessageMiddleware

    middleware = MessageMiddleware(lambda r: HttpResponse())
    first = message_request()
    middleware.process_request(first)
    messages.success(first, "已保存")
    response = middleware.process_response(first, HttpResponse())
    cookie = response.cookies["messages"].value

    second = message_request(f"messages={cookie}")
    middleware.process_request(second)

    assert [str(m) for m in messages.get_messages(second)] == ["已保存"]


def test_a_request_that_never_uses_messages_builds_no_storage():
    from django.http import HttpResponse
    from django.utils.functional import empty

    from micromall.middleware import MessageMiddleware

    request = message_request()
    middleware = MessageMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    response = middleware.process_response(request, HttpResponse())

    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies
