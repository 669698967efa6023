# ruff: noqa: F811  (pytest fixtures imported from tests.orders.conftest)
"""会员价 and level discounts shown to a signed-in member on cached pages (docs/marketing.md "Member prices on the
storefront"): GET /api/v1/store/member-prices answers through the pricing seam with the figure checkout charges;
pages keep one cached copy for everyone and carry only an empty slot that js/member_prices.js fills."""

import pytest

from tenant_apps.promotions import services as promotions
from tenant_apps.storefront import caching
from tests.conftest import host_client
from tests.loyalty.conftest import configure
from tests.orders.conftest import buyer_a, buyer_b, catalog_a, catalog_b, in_shop  # noqa: F401  (fixtures)

URL = "/api/v1/store/member-prices"


@pytest.fixture
def vip(shop_a):
    configure(shop_a, levels=[{"name": "VIP", "growth_threshold": 0, "discount_percent": 5}])
    return shop_a


def prices(buyer, *product_ids):
    response = buyer.client.get(URL, {"product_ids": ",".join(str(pk) for pk in product_ids)})
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return response.json()


def preview_unit_price(buyer, sku) -> int:
    body = buyer.client.post(
        "/api/v1/store/checkout/preview",
        {"items": [{"sku_id": sku.pk, "quantity": 1}]},
        content_type="application/json",
    ).json()
    return body["lines"][0]["unit_price_amount"]


def test_a_members_level_discount_shows_with_the_price_checkout_charges(vip, catalog_a, buyer_a):
    body = prices(buyer_a, catalog_a.tea.product_id, catalog_a.cup.product_id)

    products = {row["product_id"]: row for row in body["products"]}
    tea = products[catalog_a.tea.product_id]
    assert tea["price_amount"] == preview_unit_price(buyer_a, catalog_a.tea) < tea["anyone_price_amount"] == 12900
    assert (tea["source"], tea["from_price"]) == ("level", False)
    skus = {row["sku_id"]: row for row in body["skus"]}
    assert skus[catalog_a.cup.pk]["price_amount"] == preview_unit_price(buyer_a, catalog_a.cup)


def test_the_best_of_member_price_and_level_discount_wins_as_at_checkout(vip, catalog_a, buyer_a):
    in_shop(vip, lambda: promotions.set_member_prices(items=[{"sku_id": catalog_a.cup.pk, "price_amount": 3000}]))

    body = prices(buyer_a, catalog_a.cup.product_id)

    [cup] = body["products"]
    assert (cup["price_amount"], cup["source"]) == (3000, "member_price") and cup["anyone_price_amount"] == 3550
    assert preview_unit_price(buyer_a, catalog_a.cup) == 3000


def test_a_members_cart_shows_the_member_price_checkout_charges(vip, catalog_a, buyer_a):
    """The cart priced every member at the anyone price, above what checkout then charged (found by a review
    helper)."""
    in_shop(vip, lambda: promotions.set_member_prices(items=[{"sku_id": catalog_a.cup.pk, "price_amount": 3000}]))
    added = buyer_a.client.post(
        "/api/v1/store/cart/items", {"sku_id": catalog_a.cup.pk, "quantity": 2}, content_type="application/json"
    )
    assert added.status_code in (200, 201), added.content

    cart = buyer_a.client.get("/api/v1/store/cart").json()

    [line] = cart["lines"]
    assert (line["unit_price_amount"], line["total_amount"]) == (3000, 6000) == (
        preview_unit_price(buyer_a, catalog_a.cup), cart["total_amount"]
    )  # fmt: skip


def test_a_member_without_a_lower_price_gets_nothing_listed(shop_a, catalog_a, buyer_a):
    assert prices(buyer_a, catalog_a.tea.product_id) == {"products": [], "skus": []}


def test_guests_foreign_tokens_foreign_ids_and_bad_ids(vip, shop_b, catalog_a, catalog_b, buyer_a, buyer_b):
    assert host_client(vip).get(URL, {"product_ids": "1"}).status_code == 401
    foreign_token = host_client(vip, buyer_b.token)  # shop B's member on shop A's host
    assert foreign_token.get(URL, {"product_ids": str(catalog_a.tea.product_id)}).status_code == 401
    # Shop B's products are not shop A's: nothing listed (ids are per schema, so only unknown ids here).
    unknown = max(catalog_a.tea.product_id, catalog_b.tea.product_id) + 1000
    assert prices(buyer_a, unknown) == {"products": [], "skus": []}
    for bad in ("", "abc", "1,,2", "-1", "0", ",".join(["1"] * 49), "9" * 19):
        response = buyer_a.client.get(URL, {"product_ids": bad})
        assert response.status_code == 400 and "product_ids" in response.json()["errors"], bad


def test_the_query_budget(vip, catalog_a, buyer_a, django_assert_max_num_queries):
    prices(buyer_a, catalog_a.tea.product_id)  # warm the shop's cached reads (routing, promotions snapshot)

    with django_assert_max_num_queries(10):
        prices(buyer_a, catalog_a.tea.product_id, catalog_a.cup.product_id)


def test_pages_stay_one_cached_copy_with_an_empty_slot(vip, catalog_a, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(caching, "clock", lambda: 1000.0)  # the remembered shop versions do not expire here
    guest = host_client(vip)
    path = f"/p/{catalog_a.tea.product_id}"
    first = guest.get(path)

    with django_assert_num_queries(0):
        second = guest.get(path)

    assert second["X-Storefront-Cache"] == "hit" and second.content == first.content
    html = first.content.decode()
    assert "data-member-price " in html and "js/member_prices.js" in html
    assert "会员价" in html or "Member price" in html
    assert "12255" not in html and "¥122.55" not in html  # no member's figure in the shared page
