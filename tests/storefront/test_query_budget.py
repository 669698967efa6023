"""Query budgets: list API, product page and home page cost the same with 10 and with 1,000 products."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product
from tenant_apps.storefront.caching import clear_local_cache

from .conftest import bulk_products, make_category

pytestmark = pytest.mark.django_db
BUDGET = 10


def cold_queries(client, path: str, params=None) -> int:
    """Queries of one request with an empty storefront cache (the worst case), checked to succeed.

    The host -> shop routing cache stays warm: its cost is the router's, not the storefront's.
    """
    cache.delete_pattern("sf:*")
    clear_local_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def measure(client, product_id: int) -> dict[str, int]:
    client.get("/api/v1/store/categories")  # warm the host -> shop cache
    return {
        "list": cold_queries(client, "/api/v1/store/products", {"sort": "-sales"}),
        "search": cold_queries(client, "/api/v1/store/products", {"q": "批量", "in_stock": "true"}),
        "detail_page": cold_queries(client, f"/p/{product_id}"),
        "detail_api": cold_queries(client, f"/api/v1/store/products/{product_id}"),
        "home": cold_queries(client, "/"),
        "search_page": cold_queries(client, "/search", {"q": "批量", "sort": "price"}),
    }


def test_storefront_queries_do_not_grow_with_the_catalog(shop_a, client_a):
    with tenant_context(shop_a):
        make_category("女装")
        bulk_products(10)
        first_id = Product.objects.order_by("id").values_list("id", flat=True).first()
    small = measure(client_a, first_id)

    with tenant_context(shop_a):
        bulk_products(990)
        assert Product.objects.count() == 1000
    large = measure(client_a, first_id)

    assert small == large
    assert all(count <= BUDGET for count in large.values()), large
    assert large == {"list": 3, "search": 3, "detail_page": 8, "detail_api": 7, "home": 5, "search_page": 6}
