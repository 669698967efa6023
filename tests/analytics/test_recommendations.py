"""Recommendations by SQL co-occurrence on a fixed data set: the top pairs are the expected ones; served from the
cache; 猜你喜欢 follows the visitor's views."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.analytics import selectors, services
from tests.conftest import host_client
from tests.storefront.conftest import make_product

from .conftest import deliver, flush, paid_payload, push, when

pytestmark = pytest.mark.django_db

BASKETS = [(1, 2, 3), (1, 2), (1, 2), (1, 3), (2, 4), (4, 5)]
VIEWS = {"visitor-v1v1v1v1v1v1": (1, 6), "visitor-v2v2v2v2v2v2": (1, 6), "visitor-v3v3v3v3v3v3": (1, 7),
         "visitor-v4v4v4v4v4v4": (6, 7)}  # fmt: skip


@pytest.fixture
def dataset(shop_a):
    with tenant_context(shop_a):
        ids = {n: make_product(f"商品{n}").pk for n in range(1, 8)}
    today = timezone.localdate()
    for number, basket in enumerate(BASKETS, start=1):
        lines = [{"product_id": ids[n], "quantity": 1, "total_amount": 100} for n in basket]
        deliver(shop_a, "order.paid", paid_payload(number, number, 100 * len(basket), lines), when(today, 8))
    for visitor, viewed in VIEWS.items():
        for hour, n in enumerate(viewed):
            push(shop_a, "view_product", visitor, today, 8 + hour, product_id=ids[n])
    flush(shop_a)
    with tenant_context(shop_a):
        services.compute_recommendations()
    return ids


def named(ids: dict, found: list[int]) -> list[int]:
    back = {pk: n for n, pk in ids.items()}
    return [back[pk] for pk in found]


def test_top_pairs_are_the_expected_ones(shop_a, dataset):
    with tenant_context(shop_a):
        bought = {n: named(dataset, selectors.recommended_ids("bought_together", pk)) for n, pk in dataset.items()}
        viewed = {n: named(dataset, selectors.recommended_ids("also_viewed", pk)) for n, pk in dataset.items()}
    # 1 and 2 share three orders, 1 and 3 two; ties go to the smaller product id.
    assert bought == {1: [2, 3], 2: [1, 3, 4], 3: [1, 2], 4: [2, 5], 5: [4], 6: [], 7: []}
    assert viewed == {1: [6, 7], 2: [], 3: [], 4: [], 5: [], 6: [1, 7], 7: [1, 6]}


def test_served_from_the_cache_as_cards(shop_a, dataset):
    client = host_client(shop_a)
    url = f"/api/v1/store/products/{dataset[1]}/recommendations"
    first = client.get(url, {"kind": "bought_together"})
    assert [card["title"] for card in first.json()["results"]] == ["商品2", "商品3"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, {"kind": "bought_together"})
    assert again.json() == first.json()
    assert len(queries) <= 1  # the catalog version at most: lists and cards come from the cache
    assert client.get(url, {"kind": "nope"}).status_code == 400


def test_guess_you_like_follows_the_visitors_views(shop_a, dataset):
    client = host_client(shop_a, None)
    client.cookies["mm_vid"] = "visitor-v4v4v4v4v4v4"  # viewed 6 then 7
    titles = [card["title"] for card in client.get("/api/v1/store/recommendations/for-you").json()["results"]]
    assert titles[0] == "商品1"  # also viewed with both 6 and 7
    assert "商品6" not in titles and "商品7" not in titles
    newcomer = [c["title"] for c in host_client(shop_a).get("/api/v1/store/recommendations/for-you").json()["results"]]
    assert newcomer[:2] == ["商品1", "商品2"]  # best sellers: 4 units each of 1 and 2, id order


def test_foreign_shop_sees_nothing(shop_a, shop_b, dataset):
    response = host_client(shop_b).get(f"/api/v1/store/products/{dataset[1]}/recommendations")
    assert response.status_code == 200 and response.json()["results"] == []
