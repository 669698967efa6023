"""Storefront product detail API, category tree and the catalog-version cache."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, ProductStatus, Sku
from tenant_apps.storefront.caching import catalog_version

from .conftest import make_category, make_product

pytestmark = pytest.mark.django_db


def test_detail_has_images_spec_matrix_and_skus(shop_a, client_a):
    with tenant_context(shop_a):
        product = make_product(
            "碎花连衣裙",
            description_html="<p>真丝面料</p>",
            images=["shops/test_alpha/products/1.jpg", "shops/test_alpha/products/2.jpg"],
            skus=[
                {"specs": {"颜色": "红", "尺码": "S"}, "price_amount": 19900, "stock": 3, "compare_at_amount": 29900},
                {"specs": {"颜色": "红", "尺码": "M"}, "price_amount": 20900, "stock": 0},
                {"specs": {"颜色": "蓝", "尺码": "S"}, "price_amount": 18900, "stock": 1},
            ],
        )
        skus = list(product.skus.order_by("position"))

    response = client_a.get(f"/api/v1/store/products/{product.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == product.pk
    assert body["title"] == "碎花连衣裙"
    assert body["description_html"] == "<p>真丝面料</p>"
    assert body["price_amount"] == 18900
    assert body["currency"] == "CNY"
    assert [image["url"] for image in body["images"]] == [
        "/media/shops/test_alpha/products/1.jpg",
        "/media/shops/test_alpha/products/2.jpg",
    ]
    assert body["specs"] == [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M"]}]
    assert body["skus"] == [
        {
            "id": skus[0].pk,
            "specs": {"颜色": "红", "尺码": "S"},
            "price_amount": 19900,
            "compare_at_amount": 29900,
            "stock": 3,
        },
        {
            "id": skus[1].pk,
            "specs": {"颜色": "红", "尺码": "M"},
            "price_amount": 20900,
            "compare_at_amount": None,
            "stock": 0,
        },
        {
            "id": skus[2].pk,
            "specs": {"颜色": "蓝", "尺码": "S"},
            "price_amount": 18900,
            "compare_at_amount": None,
            "stock": 1,
        },
    ]
    assert body["share_url"] == f"http://alpha.localhost/p/{product.pk}"
    assert body["qr_url"] == f"http://alpha.localhost/p/{product.pk}/qr.svg"


def test_draft_and_unknown_products_are_404(shop_a, client_a):
    with tenant_context(shop_a):
        draft = make_product("草稿", status=ProductStatus.DRAFT)

    assert client_a.get(f"/api/v1/store/products/{draft.pk}").status_code == 404
    assert client_a.get("/api/v1/store/products/987654321").status_code == 404
    assert client_a.get("/api/v1/store/products/99999999999999999999999").status_code == 404


def test_category_tree(shop_a, client_a, client_b):
    with tenant_context(shop_a):
        women = make_category("女装")
        dresses = make_category("连衣裙", parent=women)
        men = make_category("男装")

    response = client_a.get("/api/v1/store/categories")

    assert response.json() == [
        {
            "id": women.pk,
            "name": "女装",
            "slug": women.slug,
            "children": [{"id": dresses.pk, "name": "连衣裙", "slug": dresses.slug, "children": []}],
        },
        {"id": men.pk, "name": "男装", "slug": men.slug, "children": []},
    ]
    assert client_b.get("/api/v1/store/categories").json() == []


def test_cached_list_is_invalidated_by_catalog_changes(shop_a, client_a):
    with tenant_context(shop_a):
        product = make_product("旧标题", skus=[{"price_amount": 1000, "stock": 2}])
    first = client_a.get("/api/v1/store/products").json()["results"][0]
    assert (first["title"], first["price_amount"], first["in_stock"]) == ("旧标题", 1000, True)

    with tenant_context(shop_a):
        Product.objects.filter(pk=product.pk).update(title="新标题")
    assert client_a.get("/api/v1/store/products").json()["results"][0]["title"] == "新标题"

    with tenant_context(shop_a):
        Sku.objects.filter(product=product).update(stock=0)
    assert client_a.get("/api/v1/store/products").json()["results"][0]["in_stock"] is False

    with tenant_context(shop_a):
        Product.objects.filter(pk=product.pk).update(status=ProductStatus.INACTIVE)
    assert client_a.get("/api/v1/store/products").json()["count"] == 0


def test_list_is_served_from_cache_until_the_version_changes(shop_a, client_a, django_assert_num_queries):
    with tenant_context(shop_a):
        make_product("杯子")
    client_a.get("/api/v1/store/products")

    with django_assert_num_queries(1):  # only the catalog version
        cached = client_a.get("/api/v1/store/products")

    assert cached.json()["results"][0]["title"] == "杯子"


def test_stock_decrement_above_zero_keeps_the_version_but_a_sell_out_bumps_it(shop_a):
    with tenant_context(shop_a):
        product = make_product("T恤", skus=[{"price_amount": 1000, "stock": 2}])
        before = catalog_version()

        Sku.objects.filter(product=product).update(stock=1)
        assert catalog_version() == before

        Sku.objects.filter(product=product).update(stock=0)
        assert catalog_version() == before + 1

        Sku.objects.filter(product=product).update(price_amount=900)
        assert catalog_version() == before + 2


def test_version_shard_rows_are_recreated_if_missing(shop_a):
    with tenant_context(shop_a):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_catalogversion")
        assert catalog_version() == 0

        make_product("杯子")

        assert catalog_version() > 0


def test_cached_detail_shows_live_stock(shop_a, client_a):
    with tenant_context(shop_a):
        product = make_product("T恤", skus=[{"price_amount": 1000, "stock": 3}])
    assert client_a.get(f"/api/v1/store/products/{product.pk}").json()["skus"][0]["stock"] == 3

    with tenant_context(shop_a):
        before = catalog_version()
        Sku.objects.filter(product=product).update(stock=2)
        assert catalog_version() == before  # the cached detail stays valid...

    body = client_a.get(f"/api/v1/store/products/{product.pk}").json()
    assert body["skus"][0]["stock"] == 2  # ...and its stock is read live
    assert body["in_stock"] is True


def test_publishing_a_product_replaces_its_cached_404(shop_a, client_a):
    with tenant_context(shop_a):
        product = make_product("新品", status=ProductStatus.DRAFT)
    assert client_a.get(f"/api/v1/store/products/{product.pk}").status_code == 404

    with tenant_context(shop_a):
        Product.objects.filter(pk=product.pk).update(status=ProductStatus.ACTIVE)

    assert client_a.get(f"/api/v1/store/products/{product.pk}").status_code == 200
