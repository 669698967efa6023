"""Whole-page cache for anonymous shoppers: no query on a hit, keys that change with what the page shows."""

from datetime import UTC, datetime

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, Sku
from tenant_apps.pricing import interface as pricing
from tenant_apps.storefront import caching
from tenant_apps.storefront.services import save_theme_settings
from tests.conftest import staff_of

from .conftest import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The clock of the remembered shop versions, stepped by hand."""

    class Clock:
        now = 1000.0

        def __call__(self) -> float:
            return self.now

        def advance(self, seconds: float) -> None:
            self.now += seconds

    frozen = Clock()
    monkeypatch.setattr(caching, "clock", frozen)
    return frozen


@pytest.fixture
def dress(shop_a):
    with tenant_context(shop_a):
        category = make_category("女装")
        return make_product("碎花连衣裙", category=category, skus=[{"specs": {}, "price_amount": 19900, "stock": 3}])


def page(client: Client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def test_a_cached_product_page_costs_no_query(client_a, dress, django_assert_num_queries, clock):
    first = page(client_a, f"/p/{dress.pk}")

    with django_assert_num_queries(0):
        second = page(client_a, f"/p/{dress.pk}")

    assert first["X-Storefront-Cache"] == "miss" and second["X-Storefront-Cache"] == "hit"
    assert second.content == first.content
    assert "碎花连衣裙" in second.content.decode() and "¥199.00" in second.content.decode()


@pytest.mark.parametrize("path", ["/", "/cart", "/c/{slug}"])
def test_other_cached_pages_cost_no_query_either(client_a, dress, django_assert_num_queries, clock, path):
    path = path.format(slug=dress.category.slug)
    page(client_a, path)

    with django_assert_num_queries(0):
        assert page(client_a, path)["X-Storefront-Cache"] == "hit"


def test_a_catalog_change_shows_once_the_remembered_version_expires(shop_a, client_a, dress, clock):
    page(client_a, f"/p/{dress.pk}")
    with tenant_context(shop_a):
        Product.objects.filter(pk=dress.pk).update(title="真丝连衣裙")

    clock.advance(0.9)
    within_ttl = page(client_a, f"/p/{dress.pk}").content.decode()
    clock.advance(0.1)  # STOREFRONT_PAGE_VERSION_TTL = 1 s after the version was read
    after_ttl = page(client_a, f"/p/{dress.pk}")

    assert "碎花连衣裙" in within_ttl
    assert after_ttl["X-Storefront-Cache"] == "miss"
    assert "真丝连衣裙" in after_ttl.content.decode() and "碎花连衣裙" not in after_ttl.content.decode()


def test_a_sku_selling_out_changes_the_page(shop_a, client_a, dress, settings):
    settings.STOREFRONT_PAGE_VERSION_TTL = 0  # read the versions on every request
    assert "有货" in page(client_a, f"/p/{dress.pk}").content.decode()

    with tenant_context(shop_a):
        Sku.objects.filter(product=dress).update(stock=0)

    assert "已售罄" in page(client_a, f"/p/{dress.pk}").content.decode()


def test_saved_theme_settings_change_the_page(shop_a, client_a, dress, settings):
    settings.STOREFRONT_PAGE_VERSION_TTL = 0
    page(client_a, f"/p/{dress.pk}")

    with tenant_context(shop_a):
        save_theme_settings(theme="classic", settings={"announcement": "全场包邮 Free shipping"})
    after = page(client_a, f"/p/{dress.pk}")

    assert after["X-Storefront-Cache"] == "miss"
    assert "全场包邮 Free shipping" in after.content.decode()


def test_a_new_price_window_is_a_new_page(client_a, dress, clock):
    page(client_a, f"/p/{dress.pk}")

    def flash_sale(now):  # a time-limited price that started at midnight
        return [datetime(2026, 1, 1, tzinfo=UTC)]

    pricing.register_price_boundaries(flash_sale)
    try:
        first, second = (page(client_a, f"/p/{dress.pk}") for _ in range(2))
    finally:
        pricing.unregister_price_boundaries(flash_sale)

    assert (first["X-Storefront-Cache"], second["X-Storefront-Cache"]) == ("miss", "hit")


def test_one_shops_cached_page_never_answers_for_another(shop_b, client_a, client_b, dress, clock):
    page(client_a, f"/p/{dress.pk}")
    page(client_a, "/")

    assert client_b.get(f"/p/{dress.pk}").status_code == 404
    home_b = page(client_b, "/").content.decode()
    assert "碎花连衣裙" not in home_b and "Shop beta" in home_b


def test_signed_in_visitors_and_credentials_bypass_the_cache(shop_a, client_a, dress, clock):
    page(client_a, f"/p/{dress.pk}")
    merchant = Client(HTTP_HOST="alpha.localhost")
    merchant.force_login(staff_of(shop_a))
    bearer = Client(HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION="Bearer abc")

    for client in (merchant, bearer):
        assert "X-Storefront-Cache" not in page(client, f"/p/{dress.pk}")


def test_a_response_that_sets_a_cookie_or_uses_the_csrf_token_is_not_stored(shop_a, clock):
    calls = []

    @caching.cache_anonymous_page
    def with_cookie(request):
        calls.append("cookie")
        response = HttpResponse("hello")
        response.set_cookie("greeted", "1")
        return response

    @caching.cache_anonymous_page
    def with_form(request):
        calls.append("form")
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    with tenant_context(shop_a):
        for view in (with_cookie, with_form):
            for _ in range(2):
                request = RequestFactory().get("/anything", HTTP_HOST="alpha.localhost")
                request.shop = shop_a
                assert "X-Storefront-Cache" not in view(request)

    assert calls == ["cookie", "cookie", "form", "form"]


def test_page_cache_can_be_turned_off(client_a, dress, settings):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0

    responses = [page(client_a, f"/p/{dress.pk}") for _ in range(2)]

    assert ["X-Storefront-Cache" in response for response in responses] == [False, False]
